#!/usr/bin/env bash
# The README's test command: installs what is needed, builds with ASan and
# UBSan, and runs the whole suite through ctest.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
SATRAP_TEST_DEPS=1 "$top/scripts/install-deps.sh"
"$top/scripts/build.sh" sanitize
cd "$top/build/sanitize"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest --output-on-failure -j "$(nproc)" "$@"
