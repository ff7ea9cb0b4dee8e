#!/usr/bin/env bash
# CPU backend against its peers, side by side in one run on this machine: Nabla's JMH rows (cpu backend), then
# numpy/OpenBLAS and PyTorch CPU (benchmarks/cpu_reference.py). Prints one line per row: work, nabla, reference,
# ratio — and writes it to target/compare-cpu/table.csv with the raw JSON beside it.
#   JAVA_HOME   the JDK to run Nabla on (default: the java on PATH)
#   QUICK=1     fewer JMH iterations (noisier)
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

if [ -n "${QUICK:-}" ]; then it=(-f 1 -wi 3 -w 1 -i 3 -r 1); else it=(-f 1 -wi 5 -w 1 -i 5 -r 1); fi
jmh() {   # name, JMH arguments
  local name="$1"; shift
  "$root/nabla" jmh "$@" -p backend=cpu "${it[@]}" -prof gc -rf json -rff "$out/jmh-$name.json" >"$out/jmh-$name.log" 2>&1 \
    || { echo "compare-cpu: JMH $name failed, see $out/jmh-$name.log" >&2; exit 1; }
}
echo "compare-cpu: $("${JAVA_HOME:+$JAVA_HOME/bin/}java" -version 2>&1 | head -1); $(nproc) cores; $(lscpu | sed -n 's/^Model name: *//p')" >&2
# The machine's speed drifts (a shared VM): each reference runs just before and just after Nabla's rows of its
# group, and the table takes the reference's better run.
reference() {   # output name, groups
  local name="$1"; shift
  OMP_WAIT_POLICY=PASSIVE "$py" "$root/benchmarks/cpu_reference.py" "$out/reference-$name.json" "$@" >&2 || true
}
rm -f "$out"/reference*.json "$out"/jmh-*.json
echo "compare-cpu: GEMM: numpy, Nabla's JMH rows, numpy again" >&2
reference gemm-before gemm
jmh sgemm '\.GemmBenchmark\.' -p n=256,512,1024,2048 -p transpose=NN -p dtype=FLOAT32
jmh dgemm '\.GemmBenchmark\.' -p n=1024 -p transpose=NN -p dtype=FLOAT64
jmh mlp 'MlpGemmBenchmark'
reference gemm-after gemm
echo "compare-cpu: elementwise ops against System.arraycopy (both in JMH)" >&2
jmh bandwidth 'BandwidthBenchmark' -p elements=16777216
echo "compare-cpu: training step: numpy and PyTorch, Nabla's JMH rows, numpy and PyTorch again" >&2
reference step-before step
# A training step reaches steady state (every loop C2-compiled, allocation down to a few KB) only after ~100 steps.
if [ -n "${QUICK:-}" ]; then it=(-f 1 -wi 8 -w 2 -i 3 -r 1); else it=(-f 1 -wi 12 -w 2 -i 5 -r 2); fi
jmh step 'TrainingStepBenchmark.step$' -p batch=256 -p hidden=1024x1024 -p model=sigmoid-mse,relu-ce -p optimizer=sgd
reference step-after step
"$py" "$root/benchmarks/compare_cpu_table.py" "$out" | tee "$out/table.csv"
