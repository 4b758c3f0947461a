#!/usr/bin/env bash
# The main job: set up the machine, build only what the example needs (the durable-example target
# and the libraries it links; the test suite is run-tests.sh's), and run the example order
# workflow end to end against the in-process emulator, printing its result and a timeline of its
# operations. Arguments go to durable-example (`--help` for its usage).
#
# Where a full build is already configured in build/ (run-tests.sh ran), the example is built
# there. Otherwise it gets its own quick build in build-example/: only the packages it needs
# (SETUP_PACKAGES=example), tests and the other tools off, the libraries compiled as unity
# batches at -O1, so that a fresh 2-core machine runs it in minutes. $BUILD_DIR picks the
# directory instead (with the settings of whatever is configured there).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
targets="${BUILD_TARGETS:-durable-example}"
if [ -n "${BUILD_DIR:-}" ] || [ -f "$root/build/CMakeCache.txt" ]; then
  build_dir="${BUILD_DIR:-$root/build}"
  BUILD_DIR="$build_dir" BUILD_TARGETS="$targets" "$root/tools/setup.sh" >&2
else
  build_dir="$root/build-example"
  SETUP_PACKAGES=example BUILD_DIR="$build_dir" BUILD_TYPE=Release BUILD_TARGETS="$targets" \
    CMAKE_ARGS="-DDURABLE_BUILD_TESTS=OFF -DDURABLE_TOOLS=example -DCMAKE_UNITY_BUILD=ON -DCMAKE_CXX_FLAGS_RELEASE=-O1 ${CMAKE_ARGS:-}" \
    "$root/tools/setup.sh" >&2
fi
exec "$build_dir/tools/durable-example" "$@"
