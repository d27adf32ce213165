import { defineConfig } from 'vite';

/**
 * The console's build. No React plugin: Vite 8's own transform (Oxc) compiles TSX with the automatic JSX
 * runtime. Output goes to web/dist, which the service serves at `/` (src/app/web-console.ts).
 */
export default defineConfig({
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    // No data: URIs for assets (the CSP allows data: for images only) and no inline module-preload script.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    reportCompressedSize: false,
    // TanStack Query marks its hooks "use client" (for React Server Components); a single-page app has no server
    // components, so the directive means nothing here and the warning about dropping it is noise.
    rolldownOptions: { checks: { moduleLevelDirective: false } },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080', '/accounts': 'http://127.0.0.1:8080' } },
});
