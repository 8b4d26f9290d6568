import { defineConfig } from 'vite';

// Two builds of the widget, Lit included: an ES module (served at /widget.mjs) and a classic
// script for a plain <script src> (served at /widget.js).
export default defineConfig({
  build: {
    target: 'es2022',
    emptyOutDir: true,
    lib: {
      entry: 'widget/index.ts',
      formats: ['es', 'iife'],
      name: 'Tilldrop',
      fileName: (format) => (format === 'es' ? 'checkout-button.js' : 'checkout-button.classic.js'),
    },
    rolldownOptions: {
      // Library mode keeps ES output readable for other bundlers; ours goes straight to browsers.
      output: { minify: true },
      // The classic script finds its origin through document.currentScript; import.meta.url,
      // which becomes undefined there, is only the module build's fallback.
      checks: { emptyImportMeta: false },
    },
  },
});
