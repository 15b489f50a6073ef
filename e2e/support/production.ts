// Docent as `npm start` runs it: the compiled server (dist/server, built by `npm run build:server`) with
// the Node flags of package.json's start script. Tests and the benchmark use it, so what they check is
// what an operator runs.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../server/paths.js';

/** Compiles server/ into dist/server (a few seconds). */
export function buildServer(): void {
  execFileSync('npm', ['run', 'build:server'], { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Arguments for process.execPath: the start script's flags and the entry file, as an absolute path. */
export function startArguments(): string[] {
  const start: string = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')).scripts.start;
  const [node, ...args] = start.trim().split(/\s+/);
  if (node !== 'node' || !args.at(-1)?.endsWith('.js')) throw new Error(`package.json's start script is not "node [flags] <file>.js": ${start}`);
  return [...args.slice(0, -1), path.join(PROJECT_ROOT, args.at(-1)!)];
}
