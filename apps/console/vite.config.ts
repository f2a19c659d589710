import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The gateway `npm start` runs; `npm run dev -w @switchboard/console` proxies to it. */
const gateway = 'http://localhost:4444';
const proxied = ['/api', '/healthz', '/readyz', '/servers', '/oauth', '/.well-known', '/console/login', '/login', '/consent'];

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: Object.fromEntries(proxied.map((path) => [path, { target: gateway, changeOrigin: true }])),
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
});
