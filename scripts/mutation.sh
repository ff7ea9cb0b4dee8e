#!/usr/bin/env bash
# Mutation testing with PIT (profile `mutation` in the root pom; docs/reliability.md, "Mutation testing"). Not part
# of scripts/test.sh or the default `mvn verify`: it runs the chosen tests once per mutant, on one thread.
#
#   scripts/mutation.sh              every package, one after the other
#   scripts/mutation.sh spi cpu-gemm the named ones: dev-ops, dev-tensor (core's dev.nabla in two parts), nn
#                                    (dev.nabla.nn), spi (dev.nabla.spi), cpu-kernels, cpu-gemm, cpu-math,
#                                    cpu-index, cpu-backend, cpu-halves (dev.nabla.cpu in six parts)
#   PIT_THREADS=2 scripts/mutation.sh cpu-gemm
#
# Each package has its own mutated classes and the tests that judge them (below). Reports: MODULE/target/pit-reports/
# PACKAGE/index.html and mutations.xml; the score of each is printed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS="${PIT_THREADS:-1}"

# name | module | classes to mutate | classes not to mutate | tests
PACKAGES=(
  # core's own dev.nabla classes (not its sub-packages), in two parts: argument checks and dispatch (Ops and the
  # small value types it uses), then Tensor, Backend, Scope and the rest
  "dev-ops|core|dev.nabla.Ops*,dev.nabla.Shape*,dev.nabla.IntRange*,dev.nabla.HostArrays*||dev.nabla.ErrorsTest,dev.nabla.TensorApiTest,dev.nabla.TensorViewsAndPrintingTest,dev.nabla.contract.ReferenceBadInputTest,dev.nabla.contract.ReferenceBackendContractTest,dev.nabla.contract.ReferenceIndexingTest,dev.nabla.contract.ReferenceMixedPrecisionTest,dev.nabla.OpsDirectFormulasTest,dev.nabla.OpsFusedArgumentsTest"
  "dev-tensor|core|dev.nabla.*|dev.nabla.*.*,dev.nabla.Ops*,dev.nabla.Shape*,dev.nabla.IntRange*,dev.nabla.HostArrays*|dev.nabla.TensorApiTest,dev.nabla.TensorViewsAndPrintingTest,dev.nabla.ErrorsTest,dev.nabla.ScopeTest,dev.nabla.BackendsTest,dev.nabla.HalfFloatsTest,dev.nabla.LeakDetectionTest,dev.nabla.SharedBackendLeakTest,dev.nabla.BackendReportOrderTest,dev.nabla.contract.ReferenceBackendContractTest,dev.nabla.contract.ReferenceAliasTest"
  "nn|core|dev.nabla.nn.*||dev.nabla.nn.*Test,dev.nabla.contract.ReferenceNetworkContractTest,dev.nabla.contract.ReferenceBadInputTest,dev.nabla.contract.ReferenceDataLoaderTest,dev.nabla.contract.ReferenceDeviceFaultTest,dev.nabla.io.SafetensorsNetworkTest"
  "spi|core|dev.nabla.spi.*||dev.nabla.contract.ReferenceFusedFormulasTest,dev.nabla.contract.ReferenceBackendContractTest,dev.nabla.contract.ReferenceBadInputTest,dev.nabla.BackendsTest"
  # dev.nabla.cpu in six parts, each with its own report (a part takes 10–60 minutes on 2 cores): the Vector and
  # plain kernels; the gemm; the float and double math; the indexing kernels; CpuBackend and its helpers; the halves
  # cpu-kernels: the four kernel classes with their nested classes (`X*`: the loops are enum constants, compiled to
  # VectorFloatKernels$UnaryLoop$1 and so on, which `*Kernels` does not match); the 16-bit kernels are cpu-halves'
  "cpu-kernels|cpu-backend|dev.nabla.cpu.VectorFloatKernels*,dev.nabla.cpu.VectorDoubleKernels*,dev.nabla.cpu.ScalarFloatKernels*,dev.nabla.cpu.ScalarDoubleKernels*||dev.nabla.cpu.CpuVectorContractTest,dev.nabla.cpu.CpuScalarContractTest,dev.nabla.cpu.FloatMathTest,dev.nabla.cpu.CpuBackendTest,dev.nabla.cpu.CpuBadInputTest,dev.nabla.cpu.CpuKernelsMutationTest"
  # the gemm alone, with the tests that reach it (only the VECTOR path runs FloatGemm/DoubleGemm)
  "cpu-gemm|cpu-backend|dev.nabla.cpu.FloatGemm,dev.nabla.cpu.DoubleGemm||dev.nabla.cpu.CpuVectorContractTest,dev.nabla.cpu.CpuBadInputTest,dev.nabla.cpu.GemmThreadGridTest"
  "cpu-math|cpu-backend|dev.nabla.cpu.*Math||dev.nabla.cpu.FloatMathTest,dev.nabla.cpu.CpuVectorContractTest,dev.nabla.cpu.CpuScalarContractTest,dev.nabla.cpu.CpuBadInputTest"
  "cpu-index|cpu-backend|dev.nabla.cpu.*IndexKernels,dev.nabla.cpu.RowCopies,dev.nabla.cpu.Casts||dev.nabla.cpu.CpuIndexingKernelsTest,dev.nabla.cpu.CpuVectorIndexingTest,dev.nabla.cpu.CpuScalarIndexingTest"
  # CpuBackend's dispatch, the thread pool and the buffers, without the slow bad-input suites (their checks are in
  # core's Ops); the half-precision codecs and gemm apart, with their own tests
  "cpu-backend|cpu-backend|dev.nabla.cpu.CpuBackend*,dev.nabla.cpu.Parallel*,dev.nabla.cpu.CpuBuffer*,dev.nabla.cpu.CpuPath*,dev.nabla.cpu.CpuProvider*,dev.nabla.cpu.FloatLanes*,dev.nabla.cpu.DoubleLanes*||dev.nabla.cpu.CpuBackendTest,dev.nabla.cpu.CpuBufferPoolTest,dev.nabla.cpu.CpuVectorContractTest,dev.nabla.cpu.CpuScalarContractTest,dev.nabla.cpu.CpuVectorIndexingTest,dev.nabla.cpu.CpuMixedPrecisionTest,dev.nabla.cpu.ParallelTest,dev.nabla.cpu.CpuBackendCloseTest,dev.nabla.cpu.CpuProviderTest,dev.nabla.cpu.CpuBufferPoolBoundaryTest"
  "cpu-halves|cpu-backend|dev.nabla.cpu.*HalfCodec*,dev.nabla.cpu.*HalfGemm*,dev.nabla.cpu.HalfInputGemm*,dev.nabla.cpu.*HalfKernels*,dev.nabla.cpu.FloatScratch*||dev.nabla.cpu.HalfCodecTest,dev.nabla.cpu.CpuMixedPrecisionTest,dev.nabla.cpu.CpuHalfKernelsTest,dev.nabla.cpu.HalfGemmMutationTest,dev.nabla.cpu.HalfKernelsMutationTest"
)

selected=("$@")
field() { cut -d'|' -f"$2" <<< "$1"; }
summary=()
for p in "${PACKAGES[@]}"; do
  name="$(field "$p" 1)"
  if (( ${#selected[@]} > 0 )) && [[ ! " ${selected[*]} " == *" $name "* ]]; then continue; fi
  module="$(field "$p" 2)"
  modules="core"
  [[ "$module" != core ]] && modules="core,$module"
  echo "== PIT over $(field "$p" 3) in $module"
  start=$(date +%s)
  # core is built in the same reactor (test-compile) so that cpu-backend finds its classes and its test-jar; PIT in
  # core then finds nothing to mutate for cpu and says so
  mvn -B -ntp -o -Pmutation -pl "$modules" test-compile org.pitest:pitest-maven:mutationCoverage \
      -Dthreads="$THREADS" -DtargetClasses="$(field "$p" 3)" -DexcludedClasses="$(field "$p" 4)" \
      -DtargetTests="$(field "$p" 5)" -DreportsDirectory="$PWD/$module/target/pit-reports/$name" \
      | grep -E "^>> |Generated|BUILD|ERROR" || true
  secs=$(( $(date +%s) - start ))
  xml="$module/target/pit-reports/$name/mutations.xml"
  if [[ -f "$xml" ]]; then
    score="$(python3 - "$xml" <<'EOF'
import sys, xml.etree.ElementTree as ET
ms = list(ET.parse(sys.argv[1]).getroot())
killed = sum(1 for m in ms if m.get("status") in ("KILLED", "TIMED_OUT", "MEMORY_ERROR", "RUN_ERROR"))
print(f"{killed}/{len(ms)} killed ({100 * killed / max(1, len(ms)):.0f}%)")
EOF
)"
  else
    score="no report"
  fi
  summary+=("$name: $score, ${secs}s")
done
printf '%s\n' "${summary[@]}"
