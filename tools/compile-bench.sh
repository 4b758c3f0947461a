#!/usr/bin/env bash
# Compile-time benchmark: CPU seconds (user+sys of the compiler, children included) to compile, at
# -O0 -g, what a user of the installed package compiles:
#   durable.hpp    a file with just #include <durable/durable.hpp>
#   testing.hpp    a file with just #include <durable/testing.hpp>
#   handler TU     tools/compile-bench/order_handler.cpp (steps, child context, wait, invoke, map)
#   test TU        tools/compile-bench/order_handler_test.cpp (~280 lines of GoogleTest with the
#                  DurableRunner, mock_function, matchers, faults, callbacks, virtual time)
# It installs the build tree (cmake --install) into BUILD_DIR/compile-bench/prefix and compiles
# against that prefix's headers only. It reports medians and never judges them: the numbers
# depend on the machine and its load, which it prints alongside.
#
# usage: tools/compile-bench.sh [--build-dir DIR] [--reps N] [--baseline GIT_REF] [--pch]
#   --baseline REF  also compiles every case against the public headers of git revision REF
#                   (e.g. main), interleaved with the current ones, for a before/after table
#   --pch           also times the test TU with <durable/testing.hpp>, gmock and gtest
#                   precompiled (what durable_precompile_headers() sets up; building the
#                   precompiled header once is reported apart)
# Environment: CXX (default g++), CXXFLAGS_BENCH (default "-std=c++20 -O0 -g").
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="$root/build"
reps=3
baseline=""
pch=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build-dir) build_dir="$2"; shift 2 ;;
    --reps) reps="$2"; shift 2 ;;
    --baseline) baseline="$2"; shift 2 ;;
    --pch) pch=1; shift ;;
    -h|--help) sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compile-bench: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$reps" =~ ^[1-9][0-9]*$ ]] || { echo "compile-bench: --reps needs a positive number" >&2; exit 2; }
cxx="${CXX:-g++}"
read -r -a flags <<< "${CXXFLAGS_BENCH:--std=c++20 -O0 -g}"
timer=/usr/bin/time
[[ -x "$timer" ]] || { echo "compile-bench: needs GNU time at $timer (apt-get install time)" >&2; exit 2; }

work="$build_dir/compile-bench"
rm -rf "$work"
mkdir -p "$work/src"
cmake --install "$build_dir" --prefix "$work/prefix" > "$work/install.log" ||
  { cat "$work/install.log" >&2; echo "compile-bench: cmake --install $build_dir failed" >&2; exit 1; }
echo '#include <durable/durable.hpp>' > "$work/src/durable_hpp.cpp"
echo '#include <durable/testing.hpp>' > "$work/src/testing_hpp.cpp"
cases=(durable.hpp testing.hpp "handler TU" "test TU")
sources=("$work/src/durable_hpp.cpp" "$work/src/testing_hpp.cpp"
         "$root/tools/compile-bench/order_handler.cpp" "$root/tools/compile-bench/order_handler_test.cpp")

variants=(current)
declare -A includes=([current]="-I$work/prefix/include")
if [[ -n "$baseline" ]]; then
  mkdir -p "$work/baseline"
  git -C "$root" archive "$baseline" sdk/include testing/include emulator/include fixtures/include |
    tar -x -C "$work/baseline"
  variants=(baseline current)
  includes[baseline]="-I$work/baseline/sdk/include -I$work/baseline/testing/include -I$work/baseline/emulator/include -I$work/baseline/fixtures/include"
fi
if [[ "$pch" == 1 ]]; then
  # The precompiled header goes next to a forwarding header of the same name, as CMake's
  # target_precompile_headers does; -include makes g++ pick the .gch up.
  mkdir -p "$work/pch"
  printf '#include <durable/testing.hpp>\n#include <gmock/gmock.h>\n#include <gtest/gtest.h>\n' \
    > "$work/pch/durable_pch.hpp"
  start=$(date +%s.%N)
  "$timer" -f '%U %S' -o "$work/pch.time" "$cxx" "${flags[@]}" -I"$work/prefix/include" \
    -x c++-header "$work/pch/durable_pch.hpp" -o "$work/pch/durable_pch.hpp.gch"
  pch_build=$(awk '{printf "%.2f", $1 + $2}' "$work/pch.time")
  variants+=(pch)
  includes[pch]="-I$work/prefix/include -include $work/pch/durable_pch.hpp -Winvalid-pch"
fi

# cpu VARIANT SOURCE: compiles once, prints user+sys seconds.
cpu() {
  local -a inc
  read -r -a inc <<< "${includes[$1]}"
  "$timer" -f '%U %S' -o "$work/last.time" "$cxx" "${flags[@]}" "${inc[@]}" -c "$2" -o "$work/last.o" ||
    { echo "compile-bench: compiling $2 ($1) failed" >&2; exit 1; }
  awk '{printf "%.2f\n", $1 + $2}' "$work/last.time"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A samples
for ((r = 1; r <= reps; r++)); do
  for i in "${!cases[@]}"; do
    for v in "${variants[@]}"; do
      # The precompiled header serves the test TU; for the others it only shows its own cost.
      if [[ "$v" == pch && "${cases[$i]}" != "test TU" ]]; then continue; fi
      samples["$v/$i"]+="$(cpu "$v" "${sources[$i]}") "
    done
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }
echo "compile-bench: $("$cxx" --version | head -1), ${flags[*]}, median CPU seconds (user+sys) of $reps run(s)"
echo "load average before: $load_before, after: $load_after ($(nproc) CPUs)"
header=$(printf '%-12s' case)
for v in "${variants[@]}"; do
  label="$v"
  [[ "$v" == baseline ]] && label="baseline($baseline)"
  [[ "$v" == pch ]] && label="current+pch"
  header+=$(printf '  %-16s' "$label")
done
echo "$header"
for i in "${!cases[@]}"; do
  line=$(printf '%-12s' "${cases[$i]}")
  for v in "${variants[@]}"; do
    if [[ -n "${samples[$v/$i]:-}" ]]; then
      line+=$(printf '  %-16s' "$(median <<< "${samples[$v/$i]}")")
    else
      line+=$(printf '  %-16s' "-")
    fi
  done
  echo "$line"
done
if [[ "$pch" == 1 ]]; then
  echo "building the precompiled header once: $pch_build s CPU"
fi
