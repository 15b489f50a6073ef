// `npm run build:wasm`: compiles hamming.wat into hamming-wasm.ts, and cosine.wat into cosine-wasm.ts (the bytes
// as base64, so the server needs no build step and no file lookup at run time). compact-index.test.ts and
// server/stores/sqlite/vector-recall.test.ts check each pair agrees.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

export const compileHammingWat = () => compileWat('hamming.wat');

/** A .wat file of this folder, compiled. */
export async function compileWat(name: string): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const module = wabt.parseWat(name, readFileSync(here(`./${name}`), 'utf8'));
  try {
    module.validate();
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}

export const hammingWasmSource = (bytes: Uint8Array) => wasmSource('hamming.wat', 'HAMMING_WASM', bytes);

export const wasmSource = (name: string, constant: string, bytes: Uint8Array) =>
  `// Generated from ${name} by \`npm run build:wasm\`. Do not edit.\nexport const ${constant} = '${Buffer.from(bytes).toString('base64')}';\n`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(here('./hamming-wasm.ts'), hammingWasmSource(await compileHammingWat()));
  writeFileSync(here('./cosine-wasm.ts'), wasmSource('cosine.wat', 'COSINE_WASM', await compileWat('cosine.wat')));
}
