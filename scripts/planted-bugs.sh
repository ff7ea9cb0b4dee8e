#!/usr/bin/env bash
# Hand-planted kernel bugs (docs/reliability.md, "Planted bugs"): PIT mutates Java bytecode on the JVM, not OpenCL C
# and not the bytecode that Aparapi translates to OpenCL, so the opencl kernels (.cl) and the aparapi kernel
# (FloatKernel.java) get this fixed list instead; the cpu and core bugs of issue 18 (items 1 and 4) are on it too.
# Each bug is one literal replacement in one file. The script copies the tree (tracked and untracked, not ignored)
# to a temporary folder once, and for each bug: applies it, runs the suites named for it (offline, on PoCL for the
# gpu ones), records which test methods failed, and restores the file. It fails if any bug survives (every suite
# passed), or if a bug no longer applies (its text is gone from the kernel: update the list).
#
#   scripts/planted-bugs.sh             every bug
#   scripts/planted-bugs.sh ID...       the named ones (e.g. ocl-softmax-no-max apa-sumcols-last-row)
#   scripts/planted-bugs.sh --list      the list
#
# Results go to target/planted-bugs/summary.tsv (id, verdict, failing test methods) in the repository root, or to
# $PLANTED_OUT/summary.tsv.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${PLANTED_OUT:-$ROOT/target/planted-bugs}"

CL=gpu-backend/src/main/resources/dev/nabla/opencl
APA=gpu-backend/src/main/java/dev/nabla/aparapi/FloatKernel.java
CPU=cpu-backend/src/main/java/dev/nabla/cpu
OCL_TESTS=OpenClContractTest,OpenClNetworkTest
APA_TESTS=AparapiContractTest,AparapiNetworkTest
APA_HALF_TESTS=AparapiHalfKernelsTest,AparapiIndexingTest,AparapiMixedPrecisionTest
CPU_VEC_TESTS=CpuVectorContractTest,CpuVectorNetworkTest,CpuParityTest
CPU_SCALAR_TESTS=CpuScalarContractTest,CpuScalarNetworkTest,CpuScalarParityTest

# id | file | text in the file | replacement | module | tests (Class or, on gpu-backend, Class#method) | what it models
BUGS=(
  # ---- opencl (.cl) ----
  "ocl-gemm-transA-ignored|$CL/gemm.cl|const size_t at = transA ? (size_t)(k0 + kk) * lda + row0 + i|const size_t at = 0 ? (size_t)(k0 + kk) * lda + row0 + i|gpu-backend|$OCL_TESTS|gemm reads a stored Aᵀ as if it were A"
  "ocl-gemm-beta-dropped|$CL/gemm.cl|c += beta * C[at];|c += C[at];|gpu-backend|$OCL_TESTS,OpenClParityTest#gemmWithAlphaAndBetaMatchesTheBaseline|gemm adds C instead of β·C"
  "ocl-sumcols-last-row|$CL/reduce.cl|for (int r = ly; r < rows; r += ry) {|for (int r = ly; r < rows - 1; r += ry) {|gpu-backend|$OCL_TESTS|sum_columns skips the last row"
  "ocl-sumall-scale-dropped|$CL/reduce.cl|out[0] = (real)(scale * total);|out[0] = (real)(total);|gpu-backend|$OCL_TESTS|sum_final ignores its scale (a mean becomes a sum)"
  "ocl-reducerows-last-col|$CL/reduce.cl|for (int c = lid; c < cols; c += size) {
        const acc_t v|for (int c = lid; c < cols - 1; c += size) {
        const acc_t v|gpu-backend|$OCL_TESTS|reduce_rows skips the last column"
  "ocl-softmax-no-max|$CL/fused.cl|const real e = exp(x[base + c] - rowMax);|const real e = exp(x[base + c]);|gpu-backend|$OCL_TESTS|softmax without the max subtraction"
  "ocl-bias-wrong-index|$CL/fused.cl|out[at] = apply_unary(act, z[at] + b[c], 0);|out[at] = apply_unary(act, z[at] + b[r % cols], 0);|gpu-backend|$OCL_TESTS|bias_activation indexes the bias by row"
  "ocl-loss-delta-no-grad|$CL/fused.cl|delta[i] = (fi - ti) * apply_unary(outputGrad, fi, 0) * invN;|delta[i] = (fi - ti) * invN;|gpu-backend|$OCL_TESTS|loss δ without the output activation's derivative"
  "ocl-sgd-momentum-sign|$CL/fused.cl|const real vi = fma(momentum, v[i], gd);|const real vi = fma(momentum, v[i], -gd);|gpu-backend|$OCL_TESTS|momentum velocity subtracts the gradient"
  "ocl-adam-no-bias-correction|$CL/fused.cl|w[i] -= lr * (mi * invC1) / (sqrt(vi * invC2) + epsilon);|w[i] -= lr * mi / (sqrt(vi) + epsilon);|gpu-backend|$OCL_TESTS|Adam without bias correction"
  "ocl-sigmoid-negative|$CL/prelude.cl|return z < 0 ? e * r : r;|return r;|gpu-backend|$OCL_TESTS|σ(z) for z < 0 computed as σ(−z)"
  "ocl-tanh-grad|$CL/prelude.cl|case UNARY_TANH_GRAD_FROM_OUTPUT: return (real)1 - x * x;|case UNARY_TANH_GRAD_FROM_OUTPUT: return (real)1 - x;|gpu-backend|$OCL_TESTS|tanh' as 1 − a"
  "ocl-broadcast-column|$CL/elementwise.cl|(broadcast == BROADCAST_ROW ? (size_t)c : (size_t)r)|(broadcast == BROADCAST_ROW ? (size_t)c : (size_t)c)|gpu-backend|$OCL_TESTS|COLUMN broadcast indexed like ROW"
  # ---- aparapi (FloatKernel.java, translated to OpenCL by Aparapi) ----
  "apa-gemm-transA-ignored|$APA|av = transA == 0 ? arena[offA + gi * k + gp] : arena[offA + gp * m + gi];|av = (transA == 0 \|\| m == k) ? arena[offA + gi * k + gp] : arena[offA + gp * m + gi];|gpu-backend|$APA_TESTS|gemm reads a stored Aᵀ as A when m == k"
  "apa-gemm-beta-dropped|$APA|v = v + beta * arena[offC + at];|v = v + arena[offC + at];|gpu-backend|$APA_TESTS,AparapiParityTest#gemmWithAlphaAndBetaMatchesTheBaseline|gemm adds C instead of β·C"
  "apa-sumcols-last-row|$APA|for (int r = ly; r < rows; r += lanes) {|for (int r = ly; r < rows - 1; r += lanes) {|gpu-backend|$APA_TESTS|sumColumns skips the last row"
  "apa-softmax-no-max|$APA|arena[offB + r * cols + j] = exp(arena[offA + r * cols + j] - rowMax) / rowSum;|arena[offB + r * cols + j] = exp(arena[offA + r * cols + j]) / rowSum;|gpu-backend|$APA_TESTS|softmax output without the max subtraction"
  "apa-bias-wrong-index|$APA|arena[offC + i] = applyUnary(code, arena[offA + i] + arena[offB + i % cols], 0f);|arena[offC + i] = applyUnary(code, arena[offA + i] + arena[offB + (i + 1) % cols], 0f);|gpu-backend|$APA_TESTS|biasActivation adds the neighbouring column's bias"
  "apa-loss-delta-no-grad|$APA|arena[offC + i] = p0 * ((f - t) * applyUnary(code2, f, 0f));|arena[offC + i] = p0 * (f - t);|gpu-backend|$APA_TESTS|loss δ without the output activation's derivative"
  "apa-sgd-momentum-sign|$APA|float v = p1 * arena[offC + i] + g;|float v = p1 * arena[offC + i] - g;|gpu-backend|$APA_TESTS|momentum velocity subtracts the gradient"
  "apa-adam-no-bias-correction|$APA|arena[offA + i] = w - p0 * ((mm * p5) / (sqrt(vv * p6) + p3));|arena[offA + i] = w - p0 * (mm / (sqrt(vv) + p3));|gpu-backend|$APA_TESTS|Adam without bias correction"
  "apa-tanh-grad|$APA|y = 1f - x * x;|y = 1f - x;|gpu-backend|$APA_TESTS|tanh' as 1 − a"
  "apa-sigmoid-negative|$APA|return x >= 0f ? 1f / (1f + e) : e / (1f + e);|return 1f / (1f + e);|gpu-backend|$APA_TESTS|σ(x) for x < 0 computed as σ(−x)"
  # ---- aparapi, 16-bit kernels (issue 16: FloatKernel decodes and encodes without bit casts) ----
  "apa-half-encode-truncates|$APA|int r = (int) rint(scaleByTwo(a, fracBits - lo));|int r = (int) (scaleByTwo(a, fracBits - lo));|gpu-backend|$APA_HALF_TESTS|16-bit rounding truncates instead of rounding to nearest even"
  "apa-half-subnormal-decode|$APA|mag = scaleByTwo(q, (e == 0 ? 1 : e) - bias);|mag = scaleByTwo(q, e - bias);|gpu-backend|$APA_HALF_TESTS|16-bit subnormals decoded at half their value (exponent field 0 read as 0, not 1)"
  "apa-half-gemm-beta-dropped|$APA|v = k == 0 ? beta * c : v + beta * c;|v = k == 0 ? beta * c : v + c;|gpu-backend|$APA_HALF_TESTS|gemm on 16-bit inputs adds C instead of β·C"
  "apa-half-bias-wrong-index|$APA|float z = halfAt(offA + i) + halfAt(offB + i % cols);|float z = halfAt(offA + i) + halfAt(offB + (i + 1) % cols);|gpu-backend|$APA_HALF_TESTS|biasActivation on 16-bit storage adds the neighbouring column's bias"
  # ---- issue 18, item 1: what the norm-wise rule let through (cpu) ----
  "cpu-sumall-drops-chunk-end|$CPU/CpuBackend.java|partial[c] = isF ? fk.sum(xf, from, to) : dk.sum(xd, from, to);|partial[c] = isF ? fk.sum(xf, from, to - 1) : dk.sum(xd, from, to);|cpu-backend|CpuVectorContractTest,CpuScalarContractTest|float32 sumAll drops the last element of every 32,768-element chunk"
  "cpu-loss-2.5pct|$CPU/CpuBackend.java|f(loss)[0] = (float) (total * invN);|f(loss)[0] = (float) (total * invN * 1.025);|cpu-backend|$CPU_VEC_TESTS,$CPU_SCALAR_TESTS|a float32 loss 2.5% too large"
  "cpu-softmax-small-to-zero|$CPU/VectorFloatKernels.java|float sum = expShifted(x, base, mx, out, base, len);|float sum = expShifted(x, base, mx, out, base, len); for (int q = base; q < base + len; q++) { if (out[q] < 2.9e-3f * sum) { out[q] = 0; } }|cpu-backend|$CPU_VEC_TESTS|softmax elements below 2.9e-3 set to 0"
  # ---- issue 18, item 4: bugs once caught by one test only (cpu) ----
  "cpu-packA-transA-square|$CPU/FloatGemm.java|if (!transA) {                                      // A is m×k|if (!transA \|\| m == k) {                                      // A is m×k|cpu-backend|$CPU_VEC_TESTS|packA ignores transA when m == k"
  "cpu-softmax-no-max|$CPU/VectorFloatKernels.java|float mx = rowMax(x, base, cols);|float mx = 0f;|cpu-backend|$CPU_VEC_TESTS|softmax without the max subtraction"
  "cpu-plain-sumcols-odd-row|$CPU/ScalarFloatKernels.java|for (int r = 0; r < rows; r++) {
                s += x[r * cols + j];|for (int r = 0; r + 1 < rows; r += 2) {
                s += x[r * cols + j] + x[(r + 1) * cols + j];|cpu-backend|$CPU_SCALAR_TESTS|the plain path's column sum, unrolled by two, skips the last odd row"
)

field() { # field N of record $1 (fields separated by unescaped |; \| is a literal |)
  python3 -c 'import re,sys; f=re.split(r"(?<!\\)\|", sys.argv[1]); print(f[int(sys.argv[2])].replace("\\|","|"), end="")' "$1" "$2"
}

if [[ "${1:-}" == "--list" ]]; then
  for b in "${BUGS[@]}"; do printf '%-30s %s\n' "$(field "$b" 0)" "$(field "$b" 6)"; done
  exit 0
fi

SELECTED=("$@")
WORK="$(mktemp -d -t nabla-planted.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
echo "copying the tree to $WORK"
(cd "$ROOT" && git ls-files -co --exclude-standard -z | tar --null -T - -cf -) | (cd "$WORK" && tar -xf -)
mkdir -p "$OUT"
: > "$OUT/summary.tsv"

# gpu-backend bugs run without Maven after one build: a .cl file is copied over its built resource, FloatKernel.java
# is recompiled alone, and the JUnit console launcher runs the suites on the test class path surefire used.
CONSOLE="$HOME/.m2/repository/org/junit/platform/junit-platform-console-standalone/1.11.4/junit-platform-console-standalone-1.11.4.jar"
GPU_CP=""
gpu_setup() {
  [[ -n "$GPU_CP" ]] && return 0
  echo "building gpu-backend once (Maven, offline)"
  (cd "$WORK" && mvn -B -ntp -o -q -pl gpu-backend -am verify -Dtest=AparapiBackendTest \
      -Dsurefire.failIfNoSpecifiedTests=false -Dmaven.javadoc.skip=true -Dmaven.source.skip=true) > "$OUT/gpu-build.log" 2>&1
  GPU_CP="$(python3 - "$WORK/gpu-backend/target/surefire-reports/TEST-dev.nabla.aparapi.AparapiBackendTest.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
for p in ET.parse(sys.argv[1]).getroot().iter("property"):
    if p.get("name") == "surefire.test.class.path":
        print(p.get("value").rstrip(":"), end="")
PY
)"
  [[ -n "$GPU_CP" ]] || { echo "no test class path from the gpu-backend build (see $OUT/gpu-build.log)"; exit 1; }
  cp -r "$WORK/gpu-backend/target/classes" "$WORK/gpu-classes.orig"
}
# runs the named test classes of gpu-backend on the built classes; exit status 0 when every test passed
gpu_run() { # file tests report-dir
  local file="$1" tests="$2" reports="$3" classes="$WORK/gpu-backend/target/classes"
  rm -rf "$classes" && cp -r "$WORK/gpu-classes.orig" "$classes"
  case "$file" in
    *.cl) cp "$WORK/$file" "$classes/${file#gpu-backend/src/main/resources/}" ;;
    *.java) javac -g -nowarn -proc:none --release 17 -encoding UTF-8 -cp "$GPU_CP" -d "$classes" "$WORK/$file" ;;
  esac
  local select=()
  for t in ${tests//,/ }; do     # Class, or Class#method for one (no-argument) test method of it
    local cls="${t%%#*}" fqcn
    fqcn="$(cd "$WORK/gpu-backend/src/test/java" && find . -name "$cls.java" | sed 's|^\./||; s|\.java$||; s|/|.|g')"
    if [[ "$t" == *#* ]]; then select+=(--select-method "$fqcn#${t#*#}"); else select+=(--select-class "$fqcn"); fi
  done
  local preload=""
  [[ -f "$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")/lib/libjsig.so" ]] \
      && preload="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")/lib/libjsig.so"
  (cd "$WORK/gpu-backend" && env -u NABLA_BACKEND LD_PRELOAD="$preload" java --add-modules jdk.incubator.vector \
      --enable-native-access=ALL-UNNAMED -Xss4m -jar "$CONSOLE" execute --disable-banner -cp "$GPU_CP" \
      "${select[@]}" --reports-dir "$reports" --details=none)
}
survived=0
broken=0
for b in "${BUGS[@]}"; do
  id="$(field "$b" 0)"
  if (( ${#SELECTED[@]} > 0 )) && [[ ! " ${SELECTED[*]} " == *" $id "* ]]; then continue; fi
  file="$(field "$b" 1)"; from="$(field "$b" 2)"; to="$(field "$b" 3)"
  module="$(field "$b" 4)"; tests="$(field "$b" 5)"
  [[ "$module" == gpu-backend ]] && gpu_setup          # built before any bug is applied
  cp "$WORK/$file" "$WORK/$file.orig"
  if ! python3 - "$WORK/$file" "$from" "$to" <<'EOF'
import sys
path, old, new = sys.argv[1:4]
s = open(path, encoding="utf-8").read()
if s.count(old) != 1:
    sys.exit(f"{path}: the bug's text occurs {s.count(old)} times, not once")
open(path, "w", encoding="utf-8").write(s.replace(old, new))
EOF
  then
    echo "$id: DOES NOT APPLY"; printf '%s\tdoes not apply\t\n' "$id" >> "$OUT/summary.tsv"; broken=$((broken + 1))
    mv "$WORK/$file.orig" "$WORK/$file"; continue
  fi
  echo "== $id: $(field "$b" 6) ($module: $tests)"
  reports="$WORK/$module/target/surefire-reports"
  rm -rf "$reports"
  set +e
  if [[ "$module" == gpu-backend ]]; then
    gpu_run "$file" "$tests" "$reports" > "$OUT/$id.log" 2>&1
  else
    (cd "$WORK" && mvn -B -ntp -o -q -pl "$module" -am verify -Dtest="$tests" \
        -Dsurefire.failIfNoSpecifiedTests=false -Dmaven.javadoc.skip=true -Dmaven.source.skip=true) \
        > "$OUT/$id.log" 2>&1
  fi
  rc=$?
  set -e
  mv "$WORK/$file.orig" "$WORK/$file"
  touch "$WORK/$file"
  failing="$(python3 - "$reports" <<'EOF'
import glob, re, sys, xml.etree.ElementTree as ET
methods = set()
for f in glob.glob(sys.argv[1] + "/TEST-*.xml"):
    for tc in ET.parse(f).getroot().iter("testcase"):
        bad = tc.find("failure") if tc.find("failure") is not None else tc.find("error")
        # cpu-backend's second run (no vector module) cannot start the VECTOR path: not a catch
        if bad is not None and "jdk.incubator.vector" not in (bad.get("message") or "") + (bad.text or ""):
            name = re.sub(r"[\[(].*", "", tc.get("name"))
            methods.add(tc.get("classname").rsplit(".", 1)[-1] + "." + name)
print(" ".join(sorted(methods)))
EOF
)"
  if [[ $rc -eq 0 ]]; then
    echo "   SURVIVED: every suite passed"; printf '%s\tsurvived\t\n' "$id" >> "$OUT/summary.tsv"; survived=$((survived + 1))
  elif [[ -z "$failing" ]]; then
    echo "   BUILD FAILED without a failing test (see $OUT/$id.log)"; printf '%s\tbuild failed\t\n' "$id" >> "$OUT/summary.tsv"
    broken=$((broken + 1))
  else
    n=$(wc -w <<< "$failing")
    echo "   caught by $n test methods: $failing"; printf '%s\tcaught by %d\t%s\n' "$id" "$n" "$failing" >> "$OUT/summary.tsv"
  fi
done
echo "summary: $OUT/summary.tsv"
column -t -s $'\t' "$OUT/summary.tsv" || cat "$OUT/summary.tsv"
if (( survived > 0 || broken > 0 )); then
  echo "FAILED: $survived bug(s) survived, $broken did not apply or did not build"; exit 1
fi
echo "every planted bug was caught"
