// Builds the staff app, the client portal and the public pages into web/dist: one HTML entry,
// code-split per area so a public page never downloads the staff app. The output holds no inline
// script or style, so the server's CSP (script-src 'self'; style-src 'self') needs no exception.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    // No source maps in production (docs/SECURITY.md: nothing reachable that should not be).
    sourcemap: false,
    // Inlined assets would become data: URLs; keep every asset a file under /assets/.
    assetsInlineLimit: 0,
    target: 'es2022',
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  server: {
    // `vite --config web/vite.config.ts` for UI work: the API runs on `npm start` (port 3000).
    proxy: { '/api': 'http://127.0.0.1:3000', '/.well-known': 'http://127.0.0.1:3000' },
  },
});
