#!/usr/bin/env bash
# The main job: set up the machine, build, and run the example order workflow end to end against
# the in-process emulator, printing its result and a timeline of its operations.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/tools/setup.sh" >&2
exec "${BUILD_DIR:-$root/build}/tools/durable-example" "$@"
