#!/usr/bin/env bash
# CPU backend against its peers, side by side in one run on this machine: Nabla's JMH rows (cpu backend), then
# numpy/OpenBLAS and PyTorch CPU (benchmarks/cpu_reference.py). Prints one line per row: work, nabla, reference,
# ratio — and writes it to target/compare-cpu/table.csv with the raw JSON beside it.
#   JAVA_HOME   the JDK to run Nabla on (default: the java on PATH)
#   QUICK=1     fewer JMH iterations (noisier)
#   ISA=native  (default) Nabla as the JVM compiles it for this CPU, against OpenBLAS's own kernels for this CPU:
#               OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are unset for the reference processes alone (some machines
#               export them, which halves OpenBLAS on AVX-512: its AVX2 Haswell kernels at 243 instead of 450 GFLOP/s)
#   ISA=avx2    the AVX2 case on any x86 machine: Nabla's JMH forks run with -XX:UseAVX=2 (256-bit vectors, 16
#               registers) and OpenBLAS is forced to its Haswell (AVX2) kernels with OPENBLAS_CORETYPE=Haswell
#   PARTS="gemm bandwidth step small"  (default: all four) the groups to run: square/MLP/double GEMMs, elementwise ops
#               against copy bandwidth, the 784-1024-1024-10 training step, and the small-batch regime of
#               `nabla train` (784-256-10 at batch 64 and 256: one step, and an epoch of a DataLoader loop)
# The reference prints, and the table names, the OpenBLAS version and the core type it actually ran.
# Installs what the references need when it runs as root and they are missing (python3-numpy, python3-torch,
# libopenblas0-pthread), nothing else; otherwise says which reference is missing and prints Nabla's numbers alone.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/target/compare-cpu"
mkdir -p "$out"
py=/usr/bin/python3

need=()
$py -c 'import numpy' 2>/dev/null || need+=(python3-numpy)
$py -c 'import torch' 2>/dev/null || need+=(python3-torch)
dpkg-query -W -f='${Status}' libopenblas0-pthread 2>/dev/null | grep -q "install ok installed" || need+=(libopenblas0-pthread)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "compare-cpu: installing the references' packages: ${need[*]}" >&2
    apt-get -o DPkg::Lock::Timeout=600 update -q >&2
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q "${need[@]}" >&2
  else
    echo "compare-cpu: missing ${need[*]} (install them as root); their references will be missing" >&2
  fi
fi

isa="${ISA:-native}"
case "$isa" in
  native) jvm_isa=(); blas_env=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE) ;;
  avx2) jvm_isa=(-jvmArgsPrepend -XX:UseAVX=2); blas_env=(env -u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE=Haswell) ;;
  *) echo "compare-cpu: ISA must be native or avx2, got $isa" >&2; exit 2 ;;
esac
echo "$isa" >"$out/isa"
if [ -n "${QUICK:-}" ]; then it=(-f 1 -wi 3 -w 1 -i 3 -r 1); else it=(-f 1 -wi 5 -w 1 -i 5 -r 1); fi
jmh() {   # name, JMH arguments
  local name="$1"; shift
  "$root/nabla" jmh "$@" -p backend=cpu "${it[@]}" ${jvm_isa[@]+"${jvm_isa[@]}"} -prof gc -rf json \
      -rff "$out/jmh-$name.json" >"$out/jmh-$name.log" 2>&1 \
    || { echo "compare-cpu: JMH $name failed, see $out/jmh-$name.log" >&2; exit 1; }
}
echo "compare-cpu: ISA=$isa; $("${JAVA_HOME:+$JAVA_HOME/bin/}java" -version 2>&1 | head -1); $(nproc) cores; $(lscpu | sed -n 's/^Model name: *//p'); $(grep -o -m1 'avx512f' /proc/cpuinfo || echo 'no AVX-512')" >&2
# The machine's speed drifts (a shared VM): each reference runs just before and just after Nabla's rows of its
# group, and the table takes the reference's better run.
reference() {   # output name, groups
  local name="$1"; shift
  "${blas_env[@]}" OMP_WAIT_POLICY=PASSIVE "$py" "$root/benchmarks/cpu_reference.py" "$out/reference-$name.json" "$@" \
      >&2 || true
}
parts=" ${PARTS:-gemm bandwidth step small} "
rm -f "$out"/reference*.json "$out"/jmh-*.json
if [[ "$parts" == *" gemm "* ]]; then
  echo "compare-cpu: GEMM: numpy, Nabla's JMH rows, numpy again" >&2
  reference gemm-before gemm
  jmh sgemm '\.GemmBenchmark\.' -p n=256,512,1024,2048 -p transpose=NN -p dtype=FLOAT32
  jmh dgemm '\.GemmBenchmark\.' -p n=1024 -p transpose=NN -p dtype=FLOAT64
  jmh mlp 'MlpGemmBenchmark'
  reference gemm-after gemm
fi
if [[ "$parts" == *" bandwidth "* ]]; then
  echo "compare-cpu: elementwise ops against System.arraycopy (both in JMH)" >&2
  jmh bandwidth 'BandwidthBenchmark' -p elements=16777216
fi
# A training step reaches steady state (every loop C2-compiled, allocation down to a few KB) only after ~100 steps.
base_it=("${it[@]}")
if [ -n "${QUICK:-}" ]; then it=(-f 1 -wi 8 -w 2 -i 3 -r 1); else it=(-f 1 -wi 12 -w 2 -i 5 -r 2); fi
if [[ "$parts" == *" step "* ]]; then
  echo "compare-cpu: training step: numpy and PyTorch, Nabla's JMH rows, numpy and PyTorch again" >&2
  reference step-before step
  jmh step 'TrainingStepBenchmark.step$' -p batch=256 -p hidden=1024x1024 -p model=sigmoid-mse,relu-ce -p optimizer=sgd
  reference step-after step
fi
if [[ "$parts" == *" small "* ]]; then
  echo "compare-cpu: small batches (784-256-10, momentum SGD): PyTorch, Nabla's step and epoch rows, PyTorch again" >&2
  reference small-before small
  jmh small 'TrainingStepBenchmark.step$' -p batch=64,256 -p hidden=256 -p model=relu-ce -p optimizer=momentum
  jmh epoch 'DataPathBenchmark.epochOnDevice' -p rows=8192 -p batch=64,256
  reference small-after small
fi
it=("${base_it[@]}")
"$py" "$root/benchmarks/compare_cpu_table.py" "$out" | tee "$out/table.csv"
