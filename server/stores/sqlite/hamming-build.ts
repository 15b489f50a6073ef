// `npm run build:wasm`: compiles hamming.wat into hamming-wasm.ts (the bytes as base64, so the server
// needs no build step and no file lookup at run time). compact-index.test.ts checks the two agree.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

export async function compileHammingWat(): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const module = wabt.parseWat('hamming.wat', readFileSync(here('./hamming.wat'), 'utf8'));
  try {
    module.validate();
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}

export const hammingWasmSource = (bytes: Uint8Array) =>
  `// Generated from hamming.wat by \`npm run build:wasm\`. Do not edit.\nexport const HAMMING_WASM = '${Buffer.from(bytes).toString('base64')}';\n`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(here('./hamming-wasm.ts'), hammingWasmSource(await compileHammingWat()));
}
