#!/usr/bin/env bash
# The benchmark in one command (as root, on Debian 12): installs what it needs
# (scripts/install-deps.sh, bench/install.sh), builds Satrap in Release and the
# load generator in build-bench/, and runs the comparison (bench/run.py) with
# any flags given here, e.g. --scenarios=lmtp,conn --large-messages=20000.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash bench/install.sh
build=${SATRAP_BENCH_BUILD:-build-bench}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
targets=(satrap_load cyrmaster)
for server in imapd lmtpd pop3d; do
  [ -f "src/$server/CMakeLists.txt" ] && targets+=("$server")
done
cmake --build "$build" --target "${targets[@]}" -j2
exec python3 bench/run.py --bin-dir="$build/bin" --load="$build/bin/satrap_load" "$@"
