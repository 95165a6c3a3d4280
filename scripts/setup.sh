#!/usr/bin/env bash
# Installs every Debian package mailsim's build, demo and tests need. Idempotent; run as root.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
pkgs=(
  build-essential cmake ninja-build pkg-config time
  libboost-graph-dev nlohmann-json3-dev libcli11-dev catch2 libsqlite3-dev libbenchmark-dev
  libvalijson-dev libmimalloc-dev python3-jsonschema clang libclang-rt-dev
  python3 python3-aiosmtpd swaks fetchmail s-nail tshark libxml2-utils graphviz tmux
  chromium
  postfix dovecot-core dovecot-pop3d
)
# The machine image ships Node.js and npm (used only by the browser test); Debian's would conflict.
command -v npm >/dev/null || pkgs+=(nodejs npm)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update
  # tshark asks whether non-root users may capture; answer no without a prompt.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
  # Postfix and Dovecot are only the reference of tests/side_by_side/ (own config, ports above
  # 1024): install Postfix unconfigured, so that no system MTA takes port 25.
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  apt-get install -y --no-install-recommends "${missing[@]}"
fi
# The packages' own daemons are not wanted: Debian starts dovecot (110, 143) where systemd runs.
if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
  for svc in postfix dovecot; do
    if systemctl is-enabled --quiet "$svc" 2>/dev/null || systemctl is-active --quiet "$svc" 2>/dev/null; then
      systemctl disable --now "$svc" >/dev/null 2>&1 || true
    fi
  done
fi
