#!/usr/bin/env bash
# Installs the real servers and clients the deploy tests (test/servers/) run against.
# Idempotent: packages already installed are not fetched again, and `apt-get update` runs only when
# something is missing. Never starts a system service: policy-rc.d forbids it while installing
# (the tests start each server by hand on 127.0.0.1 with their own pid/log files).
set -euo pipefail

PACKAGES=(apache2 nginx stunnel4 haproxy python3 python3-tornado python3-requests curl openssl ca-certificates)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "test/servers/install.sh: all packages present (${PACKAGES[*]})"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=(sudo); else
    echo "test/servers/install.sh: missing ${missing[*]} and not root (no sudo)" >&2
    exit 1
  fi
else
  SUDO=()
fi

echo "test/servers/install.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Keep apt from starting apache2/nginx/haproxy/stunnel as system services (they would take :80).
policy_created=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee /usr/sbin/policy-rc.d >/dev/null
  "${SUDO[@]}" chmod 755 /usr/sbin/policy-rc.d
  policy_created=1
fi
cleanup() { if [ "$policy_created" = 1 ]; then "${SUDO[@]}" rm -f /usr/sbin/policy-rc.d; fi; }
trap cleanup EXIT

"${SUDO[@]}" apt-get update -q
"${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
