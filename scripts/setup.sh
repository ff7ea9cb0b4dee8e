#!/usr/bin/env bash
# Installs what Nabla's build and tests need on a fresh Debian/Ubuntu machine. Idempotent: installs only what is
# missing. Needs root (or sudo) only when something is missing.
set -euo pipefail

packages=()
command -v java >/dev/null 2>&1 || packages+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || packages+=(maven)
# OpenCL for the opencl and aparapi backends' tests: PoCL runs OpenCL on the CPU (correct, not fast)
# Fashion-MNIST for `nabla train` (its test reaches 85% on the full set), and a font for `nabla bench`'s charts
for p in ocl-icd-libopencl1 pocl-opencl-icd clinfo dataset-fashion-mnist fonts-dejavu-core; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || packages+=("$p")
done

if [ ${#packages[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "nabla setup: missing ${packages[*]}; install them as root (apt-get install ${packages[*]})" >&2
    exit 1
  fi
fi
echo "nabla setup: installing ${packages[*]}"
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${packages[@]}"
