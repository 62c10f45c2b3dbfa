# Casa del Padre Online — container image (one service process running its own nginx and ffmpeg).
#
#   docker build -t casadelpadre .
#   docker run -d --name casadelpadre --restart unless-stopped \
#     -p 80:8080 -p 1935:1935 -v casadelpadre:/data \
#     -e PUBLIC_URL=http://envivo.iglesia.cl casadelpadre
#   docker exec casadelpadre node dist/server/src/cli.js banner
#
# See deploy/README.md ("Docker") for HTTPS and the other settings.

# --- build: needs the dev dependencies (TypeScript, Vite) -------------------------------------------
FROM node:20-bookworm-slim AS build
# Only used if better-sqlite3 has no prebuilt binary for this platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY contract ./contract
COPY server ./server
COPY web ./web
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

# --- runtime ---------------------------------------------------------------------------------------
FROM node:20-bookworm-slim
# tini reaps processes orphaned by nginx/ffmpeg and passes SIGTERM on to the service.
RUN apt-get update \
 && apt-get install -y --no-install-recommends nginx libnginx-mod-rtmp ffmpeg tini ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 casadelpadre \
 && useradd --system --uid 10001 --gid casadelpadre --home-dir /data --no-create-home \
      --shell /usr/sbin/nologin casadelpadre \
 && install -d -m 0750 -o casadelpadre -g casadelpadre /data
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist

ENV NODE_ENV=production \
    DATA_DIR=/data \
    HTTP_PORT=8080 \
    HTTPS_PORT=8443 \
    RTMP_PORT=1935 \
    WEB_ROOT=/app/web/dist

# Not root: nginx then needs unprivileged ports (8080, 8443); publish them as 80/443 with -p.
USER casadelpadre
VOLUME /data
EXPOSE 8080 8443 1935
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.INTERNAL_PORT || 8090) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/server/src/main.js"]
