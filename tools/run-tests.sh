#!/usr/bin/env bash
# The whole test suite: set up the machine, build everything (the tests included; BUILD_TARGETS
# is ignored), and run every test with ctest (unit, emulator, end-to-end, conformance and tool
# tests).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_TARGETS="" "$root/tools/setup.sh"
ctest --test-dir "${BUILD_DIR:-$root/build}" --output-on-failure -j"${JOBS:-$(nproc)}" "$@"
