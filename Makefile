# Casa del Padre Online — the two set-up commands: `make start` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := start
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SYSTEM_PACKAGES := nginx libnginx-mod-rtmp ffmpeg

.PHONY: start test deps system-deps test-deps build bench clean

## Installs what is missing (apt packages, npm dependencies), builds, starts the platform.
start: system-deps deps build
	@node dist/server/src/cli.js banner
	@exec node dist/server/src/main.js

## Type checks (server, tests, benchmarks, web), then unit, integration and browser tests (real nginx,
## ffmpeg, SQLite, Redis and Chromium).
test: system-deps test-deps deps build
	@npm run --silent typecheck
	@# 5,000 simulated HLS viewers need ~10,000 descriptors: raise the soft limit as far as allowed.
	@ulimit -n 65536 2>/dev/null || ulimit -n "$$(ulimit -Hn)" 2>/dev/null || true; npm test

system-deps:
	@command -v node >/dev/null && node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' || { \
	  echo "Se necesita Node.js 20 o más nuevo (https://nodejs.org o el paquete nodejs de NodeSource) / Node.js 20+ is required"; exit 1; }
	@missing=""; \
	[ -x /usr/sbin/nginx ] || missing="$$missing nginx"; \
	[ -f /usr/lib/nginx/modules/ngx_rtmp_module.so ] || missing="$$missing libnginx-mod-rtmp"; \
	command -v ffmpeg >/dev/null || missing="$$missing ffmpeg"; \
	if [ -n "$$missing" ]; then \
	  echo "Instalando / installing:$$missing"; \
	  if [ "$$(id -u)" != 0 ] && ! command -v sudo >/dev/null; then \
	    echo "Faltan paquetes y no hay sudo: ejecute como root 'apt-get install -y$$missing' / missing packages and no sudo: run as root 'apt-get install -y$$missing'"; exit 1; \
	  fi; \
	  $(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends$$missing || { \
	    echo "No se pudieron instalar los paquetes / could not install:$$missing"; exit 1; }; \
	fi

# What only the tests need: Chromium (browser tests), redis-server (several instances), iproute2 (a second
# host in a network namespace), logrotate (the shipped log rotation is run for real).
test-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	command -v ip >/dev/null || missing="$$missing iproute2"; \
	[ -x /usr/sbin/logrotate ] || missing="$$missing logrotate"; \
	[ -f /usr/lib/nginx/modules/ngx_stream_module.so ] || missing="$$missing libnginx-mod-stream"; \
	if [ -n "$$missing" ]; then \
	  echo "Instalando para las pruebas / installing for the tests:$$missing"; \
	  $(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends$$missing || { \
	    echo "No se pudieron instalar / could not install:$$missing"; exit 1; }; \
	fi

deps: node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json
	@npm ci --no-audit --no-fund
	@touch $@

build: deps
	@npm run --silent build

bench: system-deps deps build
	@npm run bench

clean:
	rm -rf dist web/dist
