import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
// `npm run dev:web` proxies the API, the websocket and HLS to a running platform.
const platform = `http://127.0.0.1:${process.env.HTTP_PORT ?? '8080'}`;

export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // Two pages: the app (index.html) and the OBS chat overlay (chat.html, served at /chat), which loads
    // only its own small bundle.
    rollupOptions: {
      input: { main: `${root}index.html`, chat: `${root}chat.html` },
    },
  },
  server: {
    proxy: {
      '/api': platform,
      '/video': platform,
      '/ws': { target: platform, ws: true },
    },
  },
});
