#!/usr/bin/env bash
# README's test command: installs what is missing, then builds everything and runs every test (JUnit 5, surefire 3).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec mvn -B -ntp verify "$@"
