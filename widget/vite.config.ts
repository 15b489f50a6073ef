// Widget build: `vite build --config widget/vite.config.ts` (from the repo root) → dist/widget/
//
//   widget.js          the loader (IIFE, fixed name: it is what sites embed)
//   panel-<hash>.js    the Preact panel (IIFE, content-hashed: cache it forever), CSS inlined as a string
//
// Two bundles, one config: this build makes the loader; the small `docent-panel` plugin first builds the
// panel in memory (a nested Vite build with the Preact preset), emits it into this same output, and
// hands its hashed file name to the loader through `virtual:docent-panel`. The loader resolves that
// name against its own script `src`, so both files just have to sit in the same directory.
// Both are classic IIFE scripts, not ES modules: a cross-origin <script> needs no CORS headers and an
// IIFE leaks no globals. The panel CSS is inlined (`?inline`) because it must go into the Shadow DOM
// anyway: one request fewer and no flash of unstyled panel.
import preact from '@preact/preset-vite';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { build, defineConfig, type Plugin } from 'vite';

const dir = fileURLToPath(new URL('.', import.meta.url));
const target = 'es2020'; // Safari 14+, Chrome/Edge 80+, Firefox 80+

function panelBundle(): Plugin {
  const id = 'virtual:docent-panel';
  let fileName = '';
  let code = '';
  return {
    name: 'docent-panel',
    async buildStart() {
      const out = await build({
        configFile: false,
        root: dir,
        logLevel: 'warn',
        publicDir: false,
        plugins: [preact()],
        build: {
          write: false,
          target,
          rolldownOptions: { input: `${dir}src/panel/index.tsx`, output: { format: 'iife' } },
        },
      });
      const chunk = (Array.isArray(out) ? out[0] : (out as { output: any[] })).output.find((o) => o.type == 'chunk');
      code = chunk.code;
      fileName = `panel-${createHash('sha256').update(code).digest('hex').slice(0, 10)}.js`;
    },
    resolveId: (source) => (source == id ? `\0${id}` : null),
    load: (source) => (source == `\0${id}` ? `export default ${JSON.stringify(fileName)}` : null),
    generateBundle() {
      this.emitFile({ type: 'asset', fileName, source: code });
    },
  };
}

export default defineConfig({
  root: dir,
  publicDir: false,
  plugins: [panelBundle()],
  build: {
    outDir: `${dir}../dist/widget`,
    emptyOutDir: true,
    target,
    rolldownOptions: { input: `${dir}src/loader.ts`, output: { format: 'iife', entryFileNames: 'widget.js' } },
  },
});
