#!/usr/bin/env bash
# Installs what the benchmark needs from Debian's packages, side by side:
#  - Cyrus IMAP (cyrus-common, cyrus-imapd, cyrus-pop3d) installed normally;
#  - Dovecot: dovecot-core and dovecot-lmtpd installed normally (they conflict
#    with nothing), dovecot-imapd and dovecot-pop3d only unpacked with
#    `dpkg-deb -x` into $SATRAP_BENCH_DEPS/dovecot, because Debian declares them
#    in conflict with cyrus-imapd/cyrus-pop3d (all provide imap-server /
#    pop3-server). Their libraries come with dovecot-core.
# No Debian service may start on the system ports: a policy-rc.d that refuses
# every start is in place for the duration of the install (unless one exists),
# and whatever still runs afterwards is stopped. Idempotent.
set -euo pipefail

deps_dir=${SATRAP_BENCH_DEPS:-/var/cache/satrap-bench}
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo

packages=(cyrus-common cyrus-imapd cyrus-pop3d dovecot-core dovecot-lmtpd
          sasl2-bin libsasl2-modules openssl python3 procps iproute2
          cmake ninja-build build-essential libssl-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

policy=/usr/sbin/policy-rc.d
made_policy=0
if [ ${#missing[@]} -gt 0 ]; then
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
    $SUDO chmod 755 "$policy"
    made_policy=1
  fi
  echo "bench/install.sh: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
  [ $made_policy = 1 ] && $SUDO rm -f "$policy"
fi

# Dovecot's IMAP and POP3 servers, unpacked (not installed) at the version of
# the installed dovecot-core, so the binaries match its libdovecot.
core_version=$(dpkg-query -W -f='${Version}' dovecot-core)
stamp="$deps_dir/dovecot/.version"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$core_version" ]; then
  $SUDO rm -rf "$deps_dir/dovecot" "$deps_dir/debs"
  $SUDO mkdir -p "$deps_dir/debs" "$deps_dir/dovecot"
  (cd "$deps_dir/debs" && $SUDO apt-get download -qq \
     "dovecot-imapd=$core_version" "dovecot-pop3d=$core_version")
  for deb in "$deps_dir"/debs/*.deb; do
    $SUDO dpkg-deb -x "$deb" "$deps_dir/dovecot"
  done
  echo "$core_version" | $SUDO tee "$stamp" >/dev/null
fi

# Debian's own instances must not run: the benchmark starts private ones.
for svc in cyrus-imapd dovecot; do
  if [ -x /etc/init.d/$svc ] && pgrep -x "$( [ $svc = dovecot ] && echo dovecot || echo cyrmaster)" >/dev/null 2>&1; then
    $SUDO /etc/init.d/$svc stop >/dev/null 2>&1 || true
  fi
done
for port in 143 110 993 995 24 2003 4190; do
  if ss -Hltn "sport = :$port" 2>/dev/null | grep -q .; then
    echo "bench/install.sh: something still listens on port $port:" >&2
    ss -ltnp "sport = :$port" >&2 || true
  fi
done

# The unprivileged user the servers' workers run as.
if ! getent passwd cyrus >/dev/null; then
  $SUDO useradd --system --gid mail --home-dir /var/lib/cyrus --no-create-home \
    --shell /usr/sbin/nologin cyrus
fi
echo "bench/install.sh: ready (dovecot imap/pop3 in $deps_dir/dovecot)"
