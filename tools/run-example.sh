#!/usr/bin/env bash
# The main job: set up the machine, build only what the example needs (the durable-example target
# and the libraries it links; the test suite is run-tests.sh's), and run the example order
# workflow end to end against the in-process emulator, printing its result and a timeline of its
# operations. Arguments go to durable-example (`--help` for its usage).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_TARGETS="${BUILD_TARGETS:-durable-example}" "$root/tools/setup.sh" >&2
exec "${BUILD_DIR:-$root/build}/tools/durable-example" "$@"
