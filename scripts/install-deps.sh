#!/usr/bin/env bash
# Installs what Satrap needs to build, run and test, from Debian's packages,
# and creates the unprivileged `cyrus` user the workers run as. Idempotent:
# packages already present are not fetched again.
set -euo pipefail

packages=(
  build-essential cmake pkg-config ninja-build
  libssl-dev openssl
  libsasl2-dev libsasl2-modules sasl2-bin
  libdb-dev db-util
  libldap2-dev
  zlib1g-dev libicu-dev libpcre2-dev libedit-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev
  python3 procps
)
if [ "${SATRAP_TEST_DEPS:-0}" = 1 ]; then
  # Real clients the end-to-end tests drive.
  packages+=(cyrus-clients curl fetchmail postfix cyrus-admin isync offlineimap tmux)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  # Packages such as postfix and cyrus-common would start their daemons on
  # the system's ports; tests start private instances instead. A temporary
  # policy-rc.d (unless the admin has one) refuses every service start.
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
    $SUDO chmod +x "$policy"
    trap '$SUDO rm -f "$policy"' EXIT
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Workers never run as root: when started as root, cyrmaster drops to cyrus_user.
if ! getent passwd cyrus >/dev/null; then
  $SUDO useradd --system --gid mail --home-dir /var/lib/cyrus --no-create-home \
    --shell /usr/sbin/nologin cyrus
fi
