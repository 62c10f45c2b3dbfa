#!/usr/bin/env bash
# Casa del Padre Online — certbot deploy hook.
#
# certbot runs it after each certificate it issues or renews, with RENEWED_LINEAGE set to the certificate's
# folder (e.g. /etc/letsencrypt/live/envivo.iglesia.cl). It:
#   1. checks that fullchain.pem and privkey.pem are there, readable, and belong together;
#   2. copies them to /etc/casadelpadre/tls/ (folder 0750 and key 0640, owner root, group casadelpadre:
#      the service can read them, not change them; /etc/letsencrypt stays as certbot wants it);
#   3. asks the service to reload: `systemctl reload casadelpadre` (graceful; RTMP and chat keep going).
#      Never restart or stop: a renewal must not cut a live service.
# If anything is wrong it says why, leaves the copies in /etc/casadelpadre/tls/ untouched, does not reload,
# and exits with an error (certbot shows it and keeps the previous certificate in use).
#
# Install:  sudo install -m 0755 deploy/certbot-deploy-hook.sh /etc/letsencrypt/renewal-hooks/deploy/casadelpadre
# By hand:  sudo RENEWED_LINEAGE=/etc/letsencrypt/live/DOMAIN /etc/letsencrypt/renewal-hooks/deploy/casadelpadre
#
# Optional variables (defaults in brackets):
#   CASADELPADRE_CERT_NAME   only act on this certificate name (folder name under live/) [any]
#   CASADELPADRE_TLS_DIR     where the copies go [/etc/casadelpadre/tls]
#   CASADELPADRE_GROUP       group allowed to read them [casadelpadre]
#   CASADELPADRE_RELOAD_CMD  program to run instead of `systemctl reload casadelpadre` (tests)
set -euo pipefail

readonly SERVICE=casadelpadre
readonly TLS_DIR="${CASADELPADRE_TLS_DIR:-/etc/casadelpadre/tls}"
readonly GROUP="${CASADELPADRE_GROUP:-casadelpadre}"

say() { echo "casadelpadre (certbot): $*"; }
fail() {
  echo "casadelpadre (certbot): ERROR: $*" >&2
  echo "casadelpadre (certbot): no se copió nada ni se recargó el servicio / nothing copied, service NOT reloaded" >&2
  exit 1
}

lineage="${RENEWED_LINEAGE:-}"
[ -n "$lineage" ] || fail "falta RENEWED_LINEAGE (la carpeta del certificado, p. ej. /etc/letsencrypt/live/DOMINIO) / RENEWED_LINEAGE is not set"

if [ -n "${CASADELPADRE_CERT_NAME:-}" ] && [ "$(basename "$lineage")" != "$CASADELPADRE_CERT_NAME" ]; then
  say "certificado $(basename "$lineage") no es el de este servicio ($CASADELPADRE_CERT_NAME); nada que hacer / not ours, skipped"
  exit 0
fi

cert="$lineage/fullchain.pem"
key="$lineage/privkey.pem"

# 1. Check before touching anything.
for f in "$cert" "$key"; do
  [ -e "$f" ] || fail "no existe $f / missing file"
  [ -r "$f" ] || fail "no se puede leer $f (¿ejecutó como root?) / cannot read it (run as root?)"
  [ -s "$f" ] || fail "$f está vacío / is empty"
done
grep -q -- '-----BEGIN CERTIFICATE-----' "$cert" || fail "$cert no contiene un certificado PEM / is not a PEM certificate"
grep -q -- 'PRIVATE KEY-----' "$key" || fail "$key no contiene una clave privada PEM / is not a PEM private key"
if command -v openssl >/dev/null 2>&1; then
  cert_pub="$(openssl x509 -in "$cert" -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum)" ||
    fail "openssl no pudo leer $cert / openssl cannot read the certificate"
  key_pub="$(openssl pkey -in "$key" -pubout -outform DER | sha256sum)" ||
    fail "openssl no pudo leer $key / openssl cannot read the key"
  [ "$cert_pub" = "$key_pub" ] || fail "la clave $key no corresponde al certificado $cert / key and certificate do not match"
fi
getent group "$GROUP" >/dev/null || fail "no existe el grupo $GROUP / group $GROUP does not exist"

# 2. Copy. Each file is written under a temporary name (created 0600) and renamed into place, so nginx never
#    reads a half-written file and the key is never readable by others, not even for a moment.
mkdir -p "$TLS_DIR"
chgrp "$GROUP" "$TLS_DIR"
chmod 0750 "$TLS_DIR"
tmp_cert="$(mktemp "$TLS_DIR/.fullchain.pem.XXXXXX")"
tmp_key="$(mktemp "$TLS_DIR/.privkey.pem.XXXXXX")"
trap 'rm -f "$tmp_cert" "$tmp_key"' EXIT
cat "$cert" >"$tmp_cert"
cat "$key" >"$tmp_key"
chgrp "$GROUP" "$tmp_cert" "$tmp_key"
chmod 0644 "$tmp_cert"
chmod 0640 "$tmp_key"
mv -f "$tmp_cert" "$TLS_DIR/fullchain.pem"
mv -f "$tmp_key" "$TLS_DIR/privkey.pem"
trap - EXIT
say "copiados / copied: $TLS_DIR/fullchain.pem (0644), $TLS_DIR/privkey.pem (0640, grupo $GROUP)"

# 3. Reload (never restart).
if [ -n "${CASADELPADRE_RELOAD_CMD:-}" ]; then
  "$CASADELPADRE_RELOAD_CMD" || { echo "casadelpadre (certbot): ERROR: falló / failed: $CASADELPADRE_RELOAD_CMD" >&2; exit 1; }
  say "recargado / reloaded ($CASADELPADRE_RELOAD_CMD)"
elif systemctl is-active --quiet "$SERVICE"; then
  systemctl reload "$SERVICE" || { echo "casadelpadre (certbot): ERROR: falló 'systemctl reload $SERVICE'; vea 'journalctl -u $SERVICE' / reload failed" >&2; exit 1; }
  say "servicio recargado; el nuevo certificado ya está en uso / service reloaded, new certificate in use"
else
  say "el servicio $SERVICE no está en marcha; usará este certificado al iniciar / not running; the certificate is used at next start"
fi
