#!/usr/bin/env bash
# Casa del Padre Online — installs or updates the service on a Debian 12 / Ubuntu 24.04 server.
# It does what deploy/README.es.md describes, step by step, and can be run again safely (for updates):
# it never overwrites /etc/casadelpadre/casadelpadre.env, never touches the firewall, never restarts a
# running service (it tells you when a restart is needed), and prints what it does.
#
#   cd /opt/casadelpadre && sudo ./deploy/install.sh
#
# Before: Node.js 20 or newer in /usr/bin/node (see the guide), the code cloned in /opt/casadelpadre.
set -euo pipefail

readonly APP_DIR=/opt/casadelpadre
readonly DATA_DIR=/var/lib/casadelpadre
readonly ETC_DIR=/etc/casadelpadre
readonly ENV_FILE=$ETC_DIR/casadelpadre.env
readonly SVC_USER=casadelpadre
readonly PACKAGES=(nginx libnginx-mod-rtmp ffmpeg certbot openssl curl)

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"

step() { printf '\n==> %s\n' "$*"; }
ok() { printf '    ok: %s\n' "$*"; }
die() { printf '\nERROR: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "ejecute con sudo / run with sudo: sudo $0"
[ "$repo" = "$APP_DIR" ] || die "el código debe estar en $APP_DIR (está en $repo) / the code must be cloned into $APP_DIR"
command -v apt-get >/dev/null || die "este instalador es para Debian o Ubuntu / Debian or Ubuntu only"

step "1. Node.js 20 o más nuevo / Node.js 20+"
if ! [ -x /usr/bin/node ] || ! /usr/bin/node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)'; then
  die "se necesita Node.js 20 o 22 en /usr/bin/node (Ubuntu 24.04 trae 18). Instálelo desde NodeSource:
    curl -fsSL https://deb.nodesource.com/setup_22.x -o /tmp/nodesource_setup.sh
    sudo bash /tmp/nodesource_setup.sh && sudo apt-get install -y nodejs
  y vuelva a ejecutar este instalador. / Install Node.js 20+ (NodeSource) and run this again."
fi
ok "node $(/usr/bin/node --version)"

step "2. Paquetes del sistema / system packages: ${PACKAGES[*]}"
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi
[ -f /usr/lib/nginx/modules/ngx_rtmp_module.so ] || die "falta el módulo RTMP de nginx (libnginx-mod-rtmp)"
ok "instalados / installed"

step "3. Apagar el nginx de la distribución (el servicio usa el suyo) / disable the distro's nginx"
if systemctl is-enabled --quiet nginx 2>/dev/null || systemctl is-active --quiet nginx 2>/dev/null; then
  systemctl disable --now nginx
fi
ok "nginx.service: $(systemctl is-enabled nginx 2>/dev/null || true), $(systemctl is-active nginx 2>/dev/null || true)"

step "4. Usuario del servicio / service user: $SVC_USER"
if ! id "$SVC_USER" >/dev/null 2>&1; then
  useradd --system --user-group --home-dir "$DATA_DIR" --no-create-home --shell /usr/sbin/nologin "$SVC_USER"
fi
ok "$(id "$SVC_USER")"

step "5. Compilar / build (npm ci, npm run build) en $APP_DIR"
cd "$APP_DIR"
npm ci --no-audit --no-fund
npm run build
for built in "$APP_DIR/dist/server/src/main.js" "$APP_DIR/web/dist/index.html"; do
  [ -f "$built" ] || die "la compilación no produjo / the build did not produce $built"
done
ok "dist/server/src/main.js, web/dist/index.html"

step "6. Carpetas y configuración / folders and configuration"
install -d -m 0750 -o "$SVC_USER" -g "$SVC_USER" "$DATA_DIR" "$DATA_DIR/acme"
install -d -m 0755 -o root -g root "$ETC_DIR"
if [ -e "$ENV_FILE" ]; then
  ok "$ENV_FILE ya existe; no se modifica / exists, left as is"
else
  install -m 0600 -o root -g root "$here/casadelpadre.env.example" "$ENV_FILE"
  ok "creado / created $ENV_FILE — edite PUBLIC_URL: sudo nano $ENV_FILE"
fi

step "7. Servicio systemd, logrotate, gancho de certbot, comando casadelpadre / unit, logrotate, hook, CLI"
install -m 0644 "$here/casadelpadre.service" /etc/systemd/system/casadelpadre.service
install -m 0644 "$here/logrotate-casadelpadre" /etc/logrotate.d/casadelpadre
install -d -m 0755 /etc/letsencrypt/renewal-hooks/deploy
install -m 0755 "$here/certbot-deploy-hook.sh" /etc/letsencrypt/renewal-hooks/deploy/casadelpadre
install -m 0755 "$here/casadelpadre-cli.sh" /usr/local/bin/casadelpadre
systemctl daemon-reload
systemctl enable casadelpadre.service
ok "/etc/systemd/system/casadelpadre.service (habilitado / enabled)"

step "8. Clave de transmisión y contraseña / stream key and admin password"
# Generated here, on your terminal, rather than at the service's first start (which would print them in
# the journal). The admin password is shown only this first time: write it down.
/usr/local/bin/casadelpadre banner

step "9. Iniciar / start"
if systemctl is-active --quiet casadelpadre; then
  ok "el servicio ya está en marcha. Para usar el código nuevo, cuando NO haya transmisión:"
  echo "        sudo systemctl restart casadelpadre"
else
  systemctl start casadelpadre
  sleep 3
  systemctl is-active --quiet casadelpadre || die "no inició; vea / did not start, see: journalctl -u casadelpadre -n 50"
  ok "en marcha / running"
fi

cat <<'EOF'

Listo. Siga la guía (deploy/README.es.md) desde el paso «Firewall»: abra 80, 443 y 1935, apunte el
dominio a este servidor y obtenga el certificado con certbot.
Done. Continue the guide (deploy/README.md) at "Firewall": open 80, 443 and 1935, DNS, then certbot.
EOF
