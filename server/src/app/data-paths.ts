import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { ResolvedConfig } from '../config/load.js';
import { nginxPaths } from '../nginx/nginx-config.js';

/** Where everything lives under DATA_DIR. */
export function dataPaths(dataDir: string) {
  const nginxPrefix = path.join(dataDir, 'nginx');
  const webPrefix = path.join(dataDir, 'nginx-web');
  const media = path.join(dataDir, 'media');
  return {
    nginxPrefix,
    nginx: nginxPaths(nginxPrefix),
    webPrefix,
    web: nginxPaths(webPrefix),
    hlsRoot: path.join(media, 'hls'),
    hlsDir: path.join(media, 'hls', 'video'),
    masterRoot: path.join(media, 'master'),
    masterDir: path.join(media, 'master', 'video'),
    pageRoot: path.join(dataDir, 'www'),
  };
}

export type DataPaths = ReturnType<typeof dataPaths> & { acmeRoot: string };

/** The folders a start needs, created (readable by nginx's workers). */
export function prepareDataDir(config: ResolvedConfig): DataPaths {
  const p = dataPaths(config.dataDir);
  const acmeRoot = config.acmeWebroot ? path.resolve(config.acmeWebroot) : path.join(config.dataDir, 'acme');
  for (const dir of [p.nginxPrefix, p.nginx.logs, p.nginx.temp, p.webPrefix, p.web.logs, p.web.temp, p.hlsDir, p.masterDir, p.pageRoot, path.join(acmeRoot, '.well-known', 'acme-challenge')]) {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
  }
  return { ...p, acmeRoot };
}
