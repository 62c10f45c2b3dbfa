#!/usr/bin/env bash
# Casa del Padre Online — the command-line tool on the server, as /usr/local/bin/casadelpadre.
# Runs dist/server/src/cli.js as the service user with the service's environment file, so it sees the
# same DATA_DIR and secrets as the running service:
#
#   sudo casadelpadre banner            OBS server URL, stream key, viewer and admin URLs
#   sudo casadelpadre keys list         stream keys
#   sudo casadelpadre keys rotate       replace every key with a new one (update OBS afterwards)
#   sudo casadelpadre keys add | keys revoke ID
#
# The environment file is read line by line as NAME=value (what systemd's EnvironmentFile= accepts for
# these simple values); nothing in it is executed.
# Optional variables: CASADELPADRE_ENV_FILE [/etc/casadelpadre/casadelpadre.env],
# CASADELPADRE_HOME [/opt/casadelpadre], CASADELPADRE_USER [casadelpadre], CASADELPADRE_NODE [/usr/bin/node].
set -euo pipefail

env_file="${CASADELPADRE_ENV_FILE:-/etc/casadelpadre/casadelpadre.env}"
home="${CASADELPADRE_HOME:-/opt/casadelpadre}"
user="${CASADELPADRE_USER:-casadelpadre}"
node="${CASADELPADRE_NODE:-/usr/bin/node}"

if [ "$(id -u)" != 0 ]; then
  exec sudo --preserve-env=CASADELPADRE_ENV_FILE,CASADELPADRE_HOME,CASADELPADRE_USER,CASADELPADRE_NODE "$0" "$@"
fi
[ -r "$env_file" ] || { echo "casadelpadre: no se puede leer / cannot read $env_file" >&2; exit 1; }
[ -f "$home/dist/server/src/cli.js" ] || { echo "casadelpadre: falta / missing $home/dist/server/src/cli.js (¿npm run build?)" >&2; exit 1; }

vars=()
n=0
while IFS= read -r line || [ -n "$line" ]; do
  n=$((n + 1))
  line="${line%$'\r'}"
  [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
  if [[ "$line" =~ ^[[:space:]]*([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]]; then
    name="${BASH_REMATCH[1]}"
    value="${BASH_REMATCH[2]}"
    # Same as systemd: surrounding double or single quotes are removed.
    if [[ "$value" =~ ^\"(.*)\"$ ]] || [[ "$value" =~ ^\'(.*)\'$ ]]; then value="${BASH_REMATCH[1]}"; fi
    vars+=("$name=$value")
  else
    # Not echoed: the line may hold a password.
    echo "casadelpadre: línea $n ignorada (no es NOMBRE=valor) / line $n ignored (not NAME=value): $env_file" >&2
  fi
done <"$env_file"

cd "$home"
exec runuser -u "$user" -- env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/var/lib/casadelpadre NODE_ENV=production \
  "${vars[@]}" "$node" "$home/dist/server/src/cli.js" "$@"
