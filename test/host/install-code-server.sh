#!/usr/bin/env bash
# Installs code-server (VS Code 1.100.3's server + web workbench) and playwright-core from the npm
# registry, plus Debian's chromium, so integration tests run inside a real VS Code extension host on
# a machine that reaches only the npm registry and apt (no GitHub, no update.code.visualstudio.com).
#
#   bash test/host/install-code-server.sh [DIR]       DIR defaults to $CODE_SERVER_DIR or ~/.cache/code-server-host
#
# Env: CODE_SERVER_VERSION (4.100.3; must match engines.vscode ^1.100.0), PLAYWRIGHT_CORE_VERSION (1.65.1),
#      INSTALL_CHROMIUM=0 (skip chromium + playwright check), SKIP_APT=1 (never call apt, only check).
#
# Why not `npm install code-server`: its postinstall runs `npm install` in lib/vscode, whose install
# scripts download ripgrep and prebuilt addons from GitHub. We install with --ignore-scripts and do the
# postinstall by hand: node-gyp builds against the local Node headers, Debian's rg, the asar symlink.
# Idempotent: a complete install is verified and left alone in ~3 s.
set -Eeuo pipefail

TARGET="${1:-${CODE_SERVER_DIR:-$HOME/.cache/code-server-host}}"
CS_VERSION="${CODE_SERVER_VERSION:-4.100.3}"
PW_VERSION="${PLAYWRIGHT_CORE_VERSION:-1.65.1}"
INSTALL_CHROMIUM="${INSTALL_CHROMIUM:-1}"

log() { printf '[install-code-server] %s\n' "$*"; }
die() { printf '[install-code-server] ERROR: %s\n' "$*" >&2; exit 1; }
trap 'die "command failed (line $LINENO): $BASH_COMMAND"' ERR
START_TS=$(date +%s)

# npm must never prompt, and the addons we rebuild must run their scripts whatever ~/.npmrc says.
export npm_config_yes=true npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
export npm_config_loglevel="${npm_config_loglevel:-warn}"

# -- 1. Debian packages: compilers and headers for the native addons, ripgrep, chromium for Playwright
APT_PKGS=(build-essential python3 pkg-config libkrb5-dev libxkbfile-dev libsecret-1-dev libx11-dev ripgrep ca-certificates openssl)
[ "$INSTALL_CHROMIUM" = 1 ] && APT_PKGS+=(chromium fonts-dejavu-core)
missing=()
for p in "${APT_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  [ "${SKIP_APT:-0}" = 1 ] && die "missing Debian packages (SKIP_APT=1): ${missing[*]}"
  [ "$(id -u)" = 0 ] || die "need root for apt-get install ${missing[*]}"
  log "apt-get install ${missing[*]}"
  apt-get update -qq >/dev/null || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
fi

# -- 2. Node 20 and its headers (node-gyp would try to download them, which fails offline)
command -v node >/dev/null || die "node not found on PATH"
NODE_MAJOR=$(node -p 'process.versions.node.split(".")[0]')
[ "$NODE_MAJOR" = 20 ] || die "code-server $CS_VERSION needs Node 20 (engines, addon ABI); found $(node -v)"
NODE_PREFIX=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
if [ -n "${npm_config_nodedir:-}" ] && [ -f "$npm_config_nodedir/include/node/node.h" ]; then
  :
elif [ -f "$NODE_PREFIX/include/node/node.h" ] && [ -f "$NODE_PREFIX/include/node/common.gypi" ]; then
  export npm_config_nodedir="$NODE_PREFIX"
else
  die "Node headers not found in $NODE_PREFIX/include/node; install headers for $(node -v) or set npm_config_nodedir"
fi

# -- 3. code-server and playwright-core, without install scripts
mkdir -p "$TARGET"
cd "$TARGET"
[ -f package.json ] || printf '{\n  "name": "code-server-host",\n  "private": true\n}\n' > package.json
CS="$TARGET/node_modules/code-server"
VS="$CS/lib/vscode"
if [ -f "$CS/.workspace-ca-ok" ] && [ "$(cat "$CS/.workspace-ca-ok")" = "$CS_VERSION" ] \
   && [ -d "$TARGET/node_modules/playwright-core" ] && { [ "$INSTALL_CHROMIUM" != 1 ] || command -v chromium >/dev/null; }; then
  log "code-server $CS_VERSION already installed in $TARGET ($(( $(date +%s) - START_TS ))s)"
  exit 0
fi
have=$( [ -f "$CS/package.json" ] && node -p "require('$CS/package.json').version" || echo none)
if [ "$have" != "$CS_VERSION" ] || [ ! -d "$TARGET/node_modules/playwright-core" ]; then
  log "npm install --ignore-scripts code-server@$CS_VERSION playwright-core@$PW_VERSION"
  npm install --ignore-scripts "code-server@$CS_VERSION" "playwright-core@$PW_VERSION" \
    || die "npm install code-server@$CS_VERSION failed (is the npm registry reachable?)"
fi
[ -f "$VS/package.json" ] || die "$VS/package.json missing: broken code-server package?"

# -- 4. lib/vscode's own dependencies
if [ ! -d "$VS/node_modules/@vscode/spdlog" ] || [ ! -d "$VS/node_modules/node-pty" ]; then
  log "npm install --omit=dev --ignore-scripts (lib/vscode)"
  (cd "$VS" && npm install --omit=dev --ignore-scripts) || die "npm install in $VS failed"
fi

# -- 5. native addons. Packages with only a binding.gyp (spdlog, native-watchdog) get npm's implicit
#       `node-gyp rebuild`, which --ignore-scripts skipped: rebuild whatever does not load.
can_load() { (cd "$1" && node -e "require(require.resolve(process.argv[1], {paths: [process.cwd()]}))" "$2") >/dev/null 2>&1; }
to_build=()
for m in kerberos node-pty @vscode/spdlog native-watchdog @vscode/deviceid @parcel/watcher; do
  can_load "$VS" "$m" || to_build+=("$m")
done
if [ "${#to_build[@]}" -gt 0 ]; then
  log "npm rebuild ${to_build[*]} (node-gyp, ~70 s)"
  (cd "$VS" && npm rebuild "${to_build[@]}") || die "npm rebuild ${to_build[*]} failed"
  for m in "${to_build[@]}"; do can_load "$VS" "$m" || die "native module $m still does not load"; done
fi

# -- 6. ripgrep from Debian instead of the GitHub download
RG="$VS/node_modules/@vscode/ripgrep/bin/rg"
if ! "$RG" --version >/dev/null 2>&1; then
  mkdir -p "$(dirname "$RG")"
  cp -f "$(command -v rg)" "$RG" && chmod 755 "$RG"
fi

# -- 7. the rest of code-server's postinstall.sh
ln -sfn node_modules "$VS/node_modules.asar"
[ -e "$VS/bin/remote-cli/code-server" ] || ln -sfn code-linux.sh "$VS/bin/remote-cli/code-server"
[ -e "$VS/bin/helpers/browser.sh" ] || ln -sfn browser-linux.sh "$VS/bin/helpers/browser.sh"

# -- 8. built-in extensions' shared dependencies, argon2 (code-server's password hashing)
if [ ! -d "$VS/extensions/node_modules/typescript" ]; then
  (cd "$VS/extensions" && npm install --omit=dev --ignore-scripts) || die "npm install in $VS/extensions failed"
fi
if ! can_load "$TARGET" argon2; then
  npm rebuild argon2 || die "npm rebuild argon2 failed"
  can_load "$TARGET" argon2 || die "argon2 still does not load"
fi

# -- 9. verify
"$TARGET/node_modules/.bin/code-server" --version >/dev/null 2>&1 || die "code-server --version failed"
if [ "$INSTALL_CHROMIUM" = 1 ]; then
  command -v chromium >/dev/null || die "chromium not on PATH"
  can_load "$TARGET" playwright-core || die "playwright-core does not load"
fi
echo "$CS_VERSION" > "$CS/.workspace-ca-ok"
log "OK: code-server $CS_VERSION in $TARGET ($(( $(date +%s) - START_TS ))s)"
