#!/usr/bin/env bash
# Reads the cpu gemm's compiled micro-kernel (issue 15): runs FloatGemm/DoubleGemm under C2 with
# -XX:CompileCommand=print (no hsdis needed: the JVM prints the code as hex), decodes it with objdump, and prints
# the innermost FMA loop of each kernel with its count of stack accesses (a spilled accumulator shows as a load and
# a store at (%rsp) in the loop). Then the GFLOP/s per CPU-second of one thread, from the same run.
#
#   benchmarks/asm/gemm-asm.sh                       JDK 17 (java) and Temurin 25, this machine's vector width
#   JDKS="/usr/lib/jvm/temurin-25-jdk-amd64" MR=6 AVX=2 benchmarks/asm/gemm-asm.sh
#       one JDK, the 6-row tile forced (-Dnabla.cpu.gemm.mr), 256-bit vectors forced (-XX:UseAVX=2)
#   SECONDS_PER_RUN=20 N=512 QUIET=1 ...
# Needs objdump (binutils) and cpu-backend built (mvn -pl cpu-backend -am package -DskipTests). Exit 1 if a kernel
# spills in its inner loop.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
classes="$root/cpu-backend/target/classes:$root/core/target/classes"
[ -f "$root/cpu-backend/target/classes/dev/nabla/cpu/FloatGemm.class" ] || { echo "build cpu-backend first" >&2; exit 2; }
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
javac --release 17 --add-modules jdk.incubator.vector -nowarn -cp "$classes" -d "$work" \
    "$root/benchmarks/asm/GemmKernelLoop.java" 2>&1 | grep -v -e "^warning" -e "^Note:" -e "^1 warning" || true
status=0
for jdk in ${JDKS:-"$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")" /usr/lib/jvm/temurin-25-jdk-amd64}; do
  [ -x "$jdk/bin/java" ] || { echo "no JDK at $jdk" >&2; continue; }
  for type in float double; do
    opts=(--add-modules jdk.incubator.vector -XX:+UnlockDiagnosticVMOptions -XX:-TieredCompilation
          "-XX:CompileCommand=print,*Gemm::kernel*")
    [ -n "${MR:-}" ] && opts+=("-Dnabla.cpu.gemm.mr=$MR")
    [ -n "${AVX:-}" ] && opts+=("-XX:UseAVX=$AVX")
    echo "== $("$jdk/bin/java" -version 2>&1 | head -1), $type, ${opts[*]:4}"
    "$jdk/bin/java" "${opts[@]}" -cp "$work:$classes" dev.nabla.cpu.GemmKernelLoop "$type" "${N:-512}" \
        "${SECONDS_PER_RUN:-8}" > "$work/print.txt" 2>&1 || { tail -5 "$work/print.txt"; exit 1; }
    grep "^RESULT" "$work/print.txt" | sed 's/^RESULT //'
    python3 "$root/benchmarks/asm/decode.py" "$work/print.txt" ${QUIET:+--quiet} || status=1
  done
done
exit $status
