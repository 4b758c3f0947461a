#!/usr/bin/env bash
# Prepares a Debian 12 machine and builds the project.
#   - installs the Debian packages the build needs, only those that are missing (apt-get);
#   - configures and builds into $BUILD_DIR (default: build) with $BUILD_TYPE (default: Release).
# Extra CMake arguments can be passed in $CMAKE_ARGS, and $BUILD_TARGETS limits the build to some
# targets. SETUP_PACKAGES=example installs only what durable-example needs (run-example.sh's
# build: no cpp-httplib, CLI11, SQLite, Google Benchmark or pkg-config); the default, all, is
# everything the whole project and its tests need. Safe to run again: it only does what is left.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${BUILD_DIR:-$root/build}"
build_type="${BUILD_TYPE:-Release}"
jobs="${JOBS:-$(nproc)}"

# What durable::testing and its dependencies link (yaml-cpp because configuring the testing
# directory always defines durable::conformance), then what only the other tools and tests need.
packages=(
  g++ cmake make
  libgtest-dev libgmock-dev
  nlohmann-json3-dev libspdlog-dev libfmt-dev libssl-dev libyaml-cpp-dev
)
case "${SETUP_PACKAGES:-all}" in
  example) ;;
  all) packages+=(pkg-config libcli11-dev libcpp-httplib-dev libbenchmark-dev libsqlite3-dev) ;;
  *) echo "setup: SETUP_PACKAGES must be all or example, not '${SETUP_PACKAGES}'" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing missing Debian packages: ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

launcher=()
if command -v ccache >/dev/null 2>&1; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi

# shellcheck disable=SC2086
cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE="$build_type" "${launcher[@]}" ${CMAKE_ARGS:-}
# shellcheck disable=SC2086
cmake --build "$build_dir" -j"$jobs" ${BUILD_TARGETS:+--target $BUILD_TARGETS}
