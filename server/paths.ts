// Where Docent's files are. Code runs from server/ (tests, `npm run dev`) or from the build in dist/server/
// (`npm start`), at different depths: paths start from the project root, found by its package.json.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function projectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'migrations'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`Docent's project folder (with package.json and migrations/) was not found above ${from}.`);
  }
}

export const PROJECT_ROOT = projectRoot(path.dirname(fileURLToPath(import.meta.url)));
export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'migrations');
export const ADMIN_UI_DIR = path.join(PROJECT_ROOT, 'dist', 'admin-ui');
export const WIDGET_DIR = path.join(PROJECT_ROOT, 'dist', 'widget');
