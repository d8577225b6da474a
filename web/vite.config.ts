import { defineConfig } from 'vitest/config';

// No Preact plugin: esbuild's automatic JSX runtime pointed at preact is all the console needs.
// `npm run dev` proxies /api to a running server (WF_API, default the demo's address).
export default defineConfig({
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  resolve: { alias: { react: 'preact/compat', 'react-dom': 'preact/compat' } },
  // No source maps: the server would not serve them (src/http/static_files.cpp), and they would hand
  // out the console's source; `npm run dev` has its own.
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, target: 'es2022' },
  server: {
    proxy: { '/api': { target: process.env.WF_API ?? 'http://127.0.0.1:8080', changeOrigin: false, ws: true } },
  },
  test: { environment: 'node', include: ['src/**/*.test.{ts,tsx}'] },
});
