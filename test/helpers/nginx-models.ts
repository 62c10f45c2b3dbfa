import type { WebNginxModel } from '../../server/src/nginx/nginx-config.js';

/** A web nginx model with production-like paths, for rendering tests; `over` changes what a test needs. */
export const webModel = (over: Partial<WebNginxModel> = {}): WebNginxModel => ({
  prefix: '/srv/cdp/data/nginx-web',
  httpPort: 8080,
  internalPort: 8090,
  hlsRoot: '/srv/cdp/data/media/hls',
  masterRoot: '/srv/cdp/data/media/master',
  webRoot: '/srv/cdp/web/dist',
  pageRoot: '/srv/cdp/data/www',
  acmeRoot: '/srv/cdp/data/acme',
  ...over,
});
