#!/usr/bin/env bash
# Runs on the lent GPU machine, from the repository root, on the carried bundle (.device/, see bundle.sh). Builds
# nothing. Steps (each bounded in time, each logged to $OUT/run.log; one failing step does not stop the others):
#   1. find NVIDIA's OpenCL (ICD loader, libnvidia-opencl, the ICD file; writes /etc/OpenCL/vendors/nvidia.icd if
#      missing) and print the platform and device Java sees;
#   2. tune the OpenCL GEMM on this device (the cache file is kept in $OUT);
#   3. run the OpenCL and Aparapi JUnit suites (contract, parity, network) and `nabla parity` on the GPU;
#   4. run the GPU benchmark rows (JMH) for every backend;
#   5. run the PyTorch reference (torch.mm with TF32 off, copy bandwidth, the same MLP step);
#   6. the device data path (issue 13): DataPathBenchmark (DataLoader-fed epoch against the host-fed one, gatherRows,
#      argmaxRows) for every backend, and `nabla train` on opencl with the dataset on the device;
#   7. autograd against the fused path (issue 14): ModuleTrainingStepBenchmark (module-built MLP step / Network step,
#      side by side) on opencl and cpu, and DataParallelBenchmark (issue 17: k cpu backends against one).
# STEPS="1 2 3 4 5 6 7" (the default) chooses steps; TEST_CLASSES (space-separated) replaces step 3's JUnit classes.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${OUT:-/tmp/nabla-out}"
mkdir -p "$OUT"
STEPS="${STEPS:-1 2 3 4 5 6 7}"
java="$here/jre/bin/java"
# the GEMM tuning cache lives in $OUT (it comes back); a cache carried in from an earlier call is used as a start
export NABLA_OPENCL_TUNING_FILE="$OUT/opencl-gemm.properties"
[ -f "$here/opencl-gemm.properties" ] && [ ! -f "$NABLA_OPENCL_TUNING_FILE" ] && cp "$here/opencl-gemm.properties" "$OUT/"
# native libraries (the GPU driver, Aparapi's) may install their own SIGSEGV handlers; the JVM needs its own for
# implicit null checks, so chain them through the JDK's libjsig (without it `nabla parity` died of SIGSEGV here)
[ -f "$here/jre/lib/libjsig.so" ] && export LD_PRELOAD="$here/jre/lib/libjsig.so${LD_PRELOAD:+:$LD_PRELOAD}"
flags=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx24g "-XX:ErrorFile=$OUT/hs_err_%p.log")
exec > >(tee -a "$OUT/run.log") 2>&1

step() { case " $STEPS " in *" $1 "*) return 0;; *) return 1;; esac; }
section() { echo; echo "==== $* ($(date -u +%H:%M:%S))"; }
nabla() { "$java" "${flags[@]}" -jar "$here/nabla.jar" "$@"; }

if step 1; then
  section "1. OpenCL on this machine"
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv 2>&1 | head -5
  echo "-- ldconfig: OpenCL libraries"; ldconfig -p | grep -i opencl
  echo "-- libnvidia-opencl:"; find / -xdev -name 'libnvidia-opencl*' 2>/dev/null | head -5
  echo "-- ICD files:"; ls -l /etc/OpenCL/vendors/ 2>&1; cat /etc/OpenCL/vendors/*.icd 2>/dev/null
  if ! grep -qs nvidia-opencl /etc/OpenCL/vendors/*.icd; then
    lib=$(find / -xdev -name 'libnvidia-opencl.so.1' 2>/dev/null | head -1)
    if [ -n "$lib" ]; then
      mkdir -p /etc/OpenCL/vendors
      echo "libnvidia-opencl.so.1" > /etc/OpenCL/vendors/nvidia.icd
      [ -e /usr/lib/x86_64-linux-gnu/libnvidia-opencl.so.1 ] || ldconfig "$(dirname "$lib")" 2>/dev/null || true
      echo "wrote /etc/OpenCL/vendors/nvidia.icd (driver library: $lib)"
    else
      echo "no libnvidia-opencl.so.1 on this machine"
    fi
  fi
  if ! ldconfig -p | grep -q 'libOpenCL.so.1'; then
    loader=$(find / -xdev -name 'libOpenCL.so.1' 2>/dev/null | head -1)
    [ -n "$loader" ] && export LD_LIBRARY_PATH="$(dirname "$loader"):${LD_LIBRARY_PATH:-}" \
      && echo "ICD loader not in ldconfig; using $loader"
  fi
  echo "-- what Java sees:"
  timeout 120 "$java" "${flags[@]}" -jar "$here/nabla.jar" devices
fi

if step 2; then
  section "2. tuning the OpenCL GEMM"
  timeout 300 "$java" "${flags[@]}" -jar "$here/nabla.jar" tune --out "$OUT/tuning.json" \
    || echo "tuning failed or timed out (exit $?)"
  cat "$OUT/opencl-gemm.properties" 2>/dev/null
fi

if step 3; then
  section "3. correctness on the GPU: JUnit suites and nabla parity"
  cp="$here/tests/gpu-tests.jar:$here/tests/kit.jar:$here/nabla.jar"
  classes="${TEST_CLASSES:-dev.nabla.opencl.OpenClContractTest dev.nabla.opencl.OpenClParityTest dev.nabla.opencl.OpenClNetworkTest dev.nabla.opencl.OpenClBackendTest dev.nabla.aparapi.AparapiContractTest dev.nabla.aparapi.AparapiParityTest}"
  selects=()
  for c in $classes; do selects+=(--select-class "$c"); done
  CI=true timeout "${TEST_TIMEOUT:-420}" "$java" "${flags[@]}" -jar "$here/tests/junit-platform-console-standalone.jar" execute \
    --class-path "$cp" "${selects[@]}" --details=summary --disable-banner 2>&1 | tail -40
  timeout 300 "$java" "${flags[@]}" -jar "$here/nabla.jar" parity 2>&1 | tail -30
fi

if step 4; then
  section "4. GPU benchmark rows (JMH)"
  it=(-f 1 -wi "${WI:-3}" -w 1 -i "${MI:-5}" -r 1 -prof gc)
  jmh() {   # name, then JMH arguments; JSON to $OUT/jmh-<name>.json, table to the log
    local name="$1"; shift
    timeout "${JMH_TIMEOUT:-300}" "$java" "${flags[@]}" -jar "$here/nabla.jar" jmh "$@" "${it[@]}" \
      -rf json -rff "$OUT/jmh-$name.json" 2>&1 | grep -E '^(Benchmark|[A-Za-z]+Benchmark\.)' | grep -v 'gc\.\(count\|time\|churn\)'
  }
  jmh gemm 'GemmBenchmark' -p backend="${GPU_BACKENDS:-opencl,aparapi}" -p n=1024,4096,8192 -p transpose=NN
  jmh step 'TrainingStepBenchmark.step$' -p backend="${STEP_BACKENDS:-opencl,aparapi,cpu}" -p batch=1024 \
    -p hidden=4096x4096 -p model=relu-ce -p optimizer=sgd
  jmh bandwidth 'BandwidthBenchmark.(copy|biasSigmoid|deltaEpilogue)' -p backend="${GPU_BACKENDS:-opencl,aparapi}" \
    -p elements=67108864
fi

if step 5; then
  section "5. PyTorch reference"
  timeout 300 python3 "$here/torch_reference.py" "$OUT/torch_reference.json"
fi
if step 6; then
  section "6. the device data path (DataLoader, gatherRows, argmaxRows) and nabla train"
  timeout "${JMH_TIMEOUT:-300}" "$java" "${flags[@]}" -jar "$here/nabla.jar" jmh 'DataPathBenchmark' \
    -p backend="${DATA_BACKENDS:-opencl,aparapi,cpu}" -p rows=16384 -p batch=256 -f 1 -wi 2 -w 1 -i 3 -r 1 \
    -rf json -rff "$OUT/jmh-datapath.json" 2>&1 | grep -E '^(Benchmark|DataPathBenchmark\.)'
  timeout 240 "$java" "${flags[@]}" -jar "$here/nabla.jar" train --backend opencl --epochs "${TRAIN_EPOCHS:-5}" 2>&1 \
    | tail -8
fi

if step 7; then
  section "7. module step against Network (issue 14) and DataParallel on k cpu backends (issue 17)"
  timeout "${JMH_TIMEOUT:-300}" "$java" "${flags[@]}" -jar "$here/nabla.jar" jmh 'ModuleTrainingStepBenchmark' \
    -p backend="${MODULE_BACKENDS:-opencl,cpu}" -p batch=256 -p hidden=256,1024 -f 1 -wi 3 -w 1 -i 5 -r 1 -prof gc \
    -rf json -rff "$OUT/jmh-module-step.json" 2>&1 | grep -E '^(Benchmark|ModuleTrainingStepBenchmark\.)' \
    | grep -v 'gc\.\(count\|time\|churn\)'
  timeout "${JMH_TIMEOUT:-300}" "$java" "${flags[@]}" -jar "$here/nabla.jar" jmh 'DataParallelBenchmark' \
    -f 1 -wi 2 -w 1 -i 3 -r 1 -rf json -rff "$OUT/jmh-data-parallel.json" 2>&1 \
    | grep -E '^(Benchmark|DataParallelBenchmark\.)'
fi

section "done"
