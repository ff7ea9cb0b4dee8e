#!/usr/bin/env bash
# Builds the device bundle for a lent GPU machine (docs/gpu.md): a folder .device/ (git-ignored) under 64 MiB with
#   jre/            a jlinked Temurin 25 runtime (java.base, jdk.incubator.vector, logging, management, unsupported;
#                   no java.desktop: the chart writer of `nabla bench` is not used there)
#   nabla.jar       the shaded benchmark jar (CLI, JMH, every backend) with only Linux x86-64 native libraries
#   tests/          the OpenCL and Aparapi JUnit suites and their kit, with the JUnit console launcher
#   run.sh, torch_reference.py
# Then a `device run` with carry [".device"] executes `bash .device/run.sh` there (it writes results under $OUT).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/.device"
jdk="${NABLA_JLINK_JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}"
junit_console="org.junit.platform:junit-platform-console-standalone:1.11.4"

cd "$root"
echo "bundle: building the jar and the test classes"
mvn -B -ntp -q package -pl benchmarks -am -DskipTests
mvn -B -ntp -q test-compile -pl gpu-backend -am

rm -rf "$out/tests" "$out/nabla.jar"
mkdir -p "$out/tests"
if [ ! -x "$out/jre/bin/java" ]; then
  echo "bundle: jlinking a runtime from $jdk"
  rm -rf "$out/jre"
  "$jdk/bin/jlink" --add-modules java.base,jdk.incubator.vector,java.logging,java.management,jdk.management,jdk.unsupported \
    --strip-debug --no-man-pages --no-header-files --compress=zip-9 --output "$out/jre"
fi
cp benchmarks/target/nabla.jar "$out/nabla.jar"
# the device is Linux x86-64: drop the other platforms' native libraries (Aparapi ships ~65 MB of them)
zip -q -d "$out/nabla.jar" 'win/*' 'osx/*' 'linux/libaparapi_aarch64.so' 'linux/libaparapi_armhf.so' \
  'linux/libaparapi_x86.so' 'lib/libJOCL_2_0_6-linux-arm64.so' 'lib/*apple*' 'lib/*windows*' >/dev/null
cp benchmarks/device/run.sh benchmarks/device/torch_reference.py "$out/"
# the test suites: the kit (core test-jar), the gpu-backend tests, and JUnit's console launcher
cp core/target/nabla-core-*-tests.jar "$out/tests/kit.jar"
(cd gpu-backend/target/test-classes && jar --create --file "$out/tests/gpu-tests.jar" .)
mvn -B -ntp -q dependency:copy -Dartifact="$junit_console" -DoutputDirectory="$out/tests" -Dmdep.stripVersion=true
du -sh "$out"
size=$(du -sm "$out" | cut -f1)
if [ "$size" -ge 64 ]; then
  echo "bundle: $out is ${size} MiB, over the 64 MiB a device call may carry" >&2
  exit 1
fi
echo "bundle: ready ($size MiB). Run with: device run, carry [\".device\"], command \"bash .device/run.sh\""
