import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The renderer is static files loaded from disk (Electron) or 127.0.0.1 (web mode): relative paths,
// no inline scripts, nothing fetched from anywhere else.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    // recharts is most of it; one file loaded from disk is fine for a menu-bar popover.
    chunkSizeWarningLimit: 1024,
  },
  oxc: { jsx: { runtime: 'automatic' } },
});
