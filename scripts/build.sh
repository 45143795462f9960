#!/usr/bin/env bash
# Configures and builds into build/<kind>: `release` or `sanitize`
# (AddressSanitizer + UndefinedBehaviorSanitizer, used by the test suite).
set -euo pipefail
kind=${1:-release}
top=$(cd "$(dirname "$0")/.." && pwd)
case "$kind" in
  release) flags=(-DCMAKE_BUILD_TYPE=Release) ;;
  sanitize) flags=(-DCMAKE_BUILD_TYPE=Debug -DSATRAP_SANITIZE=ON) ;;
  *) echo "usage: $0 [release|sanitize]" >&2; exit 64 ;;
esac
cmake -S "$top" -B "$top/build/$kind" -G Ninja "${flags[@]}" >/dev/null
cmake --build "$top/build/$kind" -j "$(nproc)"
