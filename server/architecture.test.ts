// The architecture's rules (ARCHITECTURE.md, issue 12), checked on every server source file (tests aside):
//   sqlite   Only the database folders touch a database: better-sqlite3 and sqlite-vec are imported in
//            server/stores/sqlite/ only, pg in server/stores/postgres/ only; nothing else imports those folders
//            (but for the few files that open them, ALLOWED_SQLITE_IMPORTS), nor uses the SQLite connection
//            (app.db, deps.db, { db } = …), which app.ts decorates for tests only.
//   sql      Only the database folders hold SQL: no SQL text, no prepared statements (.prepare, .pragma,
//            stmt, perDatabase) anywhere else.
//   fastify  No domain function takes the Fastify instance: outside route modules (routes.ts, *-routes.ts),
//            server/plugins/ and server/app.ts, no parameter is typed FastifyInstance, a Pick or Omit of it,
//            or a local type naming it. Services get their dependencies named.
//   layers   Imports run down the layers only: server/stores/ imports nothing outside server/stores/ (but the
//            configuration, paths and private-file helpers), and only route modules import route modules.
// Files are parsed with the TypeScript compiler, so comments never count and every finding names its line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

type Rule = 'sqlite' | 'sql' | 'fastify' | 'layers';

/**
 * Files that still break a rule because their feature has not moved behind a store yet (issue 12). Each
 * entry must still break its rule (the last test checks it), so this list can only shrink: when a file is
 * cleaned up, its line goes.
 */
const NOT_YET_MOVED: Record<Rule, string[]> = {
  sqlite: [],
  sql: [],
  fastify: [],
  layers: [],
};

/** The files that open the stores (and what they may import from the database folders). */
const ALLOWED_SQLITE_IMPORTS: Record<string, string[]> = {
  // Builds the app on the SQLite stores.
  'server/app.ts': ['server/stores/sqlite/open.ts', 'server/stores/postgres/open.ts'],
  // Tells a failed migration apart from other start-up failures.
  'server/main.ts': ['server/stores/sqlite/migrate.ts'],
  // The shell password reset opens the stores itself (the server may not be running).
  'server/cli/reset-password.ts': ['server/stores/sqlite/open.ts', 'server/stores/postgres/open.ts'],
  // Copies an SQLite install into PostgreSQL: reads one, writes the other.
  'server/cli/migrate-to-postgres.ts': [
    'server/stores/sqlite/open.ts',
    'server/stores/sqlite/export.ts',
    'server/stores/postgres/open.ts',
    'server/stores/postgres/import.ts',
  ],
  // app.db stays decorated for tests that read the file directly.
  'server/fastify.d.ts': ['server/stores/sqlite/database.ts'],
};

/** What server/stores/ may import from outside it. */
const STORES_MAY_IMPORT = new Set(['server/config.ts', 'server/paths.ts', 'server/security/private-files.ts']);

/** Each database driver package, and the one folder that may import it. */
const DRIVER_PACKAGES = new Map([
  ['better-sqlite3', 'server/stores/sqlite/'],
  ['sqlite-vec', 'server/stores/sqlite/'],
  ['pg', 'server/stores/postgres/'],
]);
const DATABASE_FOLDERS = ['server/stores/sqlite/', 'server/stores/postgres/'];

// Upper-case SQL only: "Select a model from the list" is a sentence, not a query.
const SQL_PATTERNS: Array<[RegExp, string]> = [
  [/\bSELECT\b[\s\S]*?\bFROM\b/, 'SELECT … FROM'],
  [/\bINSERT\s+(?:OR\s+[A-Z]+\s+)?INTO\b/, 'INSERT INTO'],
  [/\bUPDATE\s+\w+\s+SET\b/, 'UPDATE … SET'],
  [/\bDELETE\s+FROM\b/, 'DELETE FROM'],
  [/\b(?:CREATE|DROP|ALTER)\s+(?:VIRTUAL\s+|TEMP\s+|UNIQUE\s+)?(?:TABLE|INDEX|TRIGGER|VIEW)\b/, 'schema SQL'],
  [/\bPRAGMA\s+\w+/, 'PRAGMA'],
];
const STATEMENT_METHODS = new Set(['prepare', 'pragma']);
const STATEMENT_FUNCTIONS = new Set(['stmt', 'perDatabase']);

export interface Violation {
  rule: Rule;
  file: string;
  line: number;
  message: string;
}

const isRouteModule = (file: string) => /(^|\/|-)routes\.ts$/.test(file) || file.startsWith('server/plugins/') || file === 'server/app.ts';

/** The repository-relative .ts file an import specifier names, or null for a package. */
function resolveImport(file: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  return path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)).replace(/\.js$/, '.ts');
}

/** Whether a type (as written) names the Fastify instance itself rather than one of its fields' types. */
const namesFastifyInstance = (typeText: string) => /\bFastifyInstance\b(?!\s*\[)/.test(typeText);

/** Where the SQLite connection itself is decorated on the app (as app.db, for tests that read the file). */
const DB_DECORATED_IN = new Set(['server/app.ts']);

/** `x.db`, `const { db } = x`, or `'db'` as a type (Pick<FastifyInstance, 'db'>): the SQLite connection. */
const usesDb = (node: ts.Node) =>
  (ts.isPropertyAccessExpression(node) && node.name.text === 'db') ||
  (ts.isBindingElement(node) && ts.isObjectBindingPattern(node.parent) && (node.propertyName ?? node.name).getText() === 'db') ||
  (ts.isLiteralTypeNode(node) && ts.isStringLiteral(node.literal) && node.literal.text === 'db');

/** The rules' violations in one file, `file` being its path from the repository root (server/…). */
export function checkSource(file: string, source: string): Violation[] {
  const found: Violation[] = [];
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const lineOf = (pos: number) => sf.getLineAndCharacterOfPosition(pos).line + 1;
  const report = (rule: Rule, pos: number, message: string) => found.push({ rule, file, line: lineOf(pos), message });
  const inSqliteFolder = file.startsWith('server/stores/sqlite/');
  const databaseFolder = DATABASE_FOLDERS.find((folder) => file.startsWith(folder));
  const inDatabaseFolder = databaseFolder !== undefined;
  const inStores = file.startsWith('server/stores/');

  // Local type aliases and interfaces that name the Fastify instance (type App = Pick<FastifyInstance, …>).
  const fastifyAliases = new Set<string>();
  const collectAliases = (node: ts.Node) => {
    if (
      (ts.isTypeAliasDeclaration(node) && namesFastifyInstance(node.type.getText(sf))) ||
      (ts.isInterfaceDeclaration(node) && namesFastifyInstance(node.heritageClauses?.map((h) => h.getText(sf)).join(' ') ?? ''))
    ) {
      fastifyAliases.add(node.name.text);
    }
    ts.forEachChild(node, collectAliases);
  };
  collectAliases(sf);
  const aliasPattern = fastifyAliases.size ? new RegExp(`\\b(?:${[...fastifyAliases].join('|')})\\b`) : null;

  const checkImport = (specifier: string, pos: number) => {
    const driverFolder = DRIVER_PACKAGES.get(specifier.split('/')[0]);
    if (driverFolder && databaseFolder !== driverFolder) report('sqlite', pos, `imports ${specifier}`);
    const target = resolveImport(file, specifier);
    if (!target) return;
    const targetFolder = DATABASE_FOLDERS.find((folder) => target.startsWith(folder));
    if (targetFolder && targetFolder !== databaseFolder && !ALLOWED_SQLITE_IMPORTS[file]?.includes(target)) {
      report('sqlite', pos, `imports ${target}`);
    }
    if (inStores && !target.startsWith('server/stores/') && !STORES_MAY_IMPORT.has(target)) report('layers', pos, `a store imports ${target}`);
    if (!isRouteModule(file) && /(^|\/|-)routes\.ts$/.test(target)) report('layers', pos, `a non-route module imports the routes module ${target}`);
  };

  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      checkImport(node.moduleSpecifier.text, node.getStart(sf));
    } else if (ts.isCallExpression(node)) {
      const [first] = node.arguments;
      const callee = node.expression;
      // import('…'), require('…'), createRequire(…).resolve('…')
      const loads =
        callee.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(callee) && callee.text === 'require') ||
        (ts.isPropertyAccessExpression(callee) && callee.name.text === 'resolve');
      if (loads && first && ts.isStringLiteralLike(first)) checkImport(first.text, node.getStart(sf));
      if (!inDatabaseFolder) {
        if (ts.isPropertyAccessExpression(callee) && STATEMENT_METHODS.has(callee.name.text)) report('sql', node.getStart(sf), `calls .${callee.name.text}()`);
        if (ts.isIdentifier(callee) && STATEMENT_FUNCTIONS.has(callee.text)) report('sql', node.getStart(sf), `calls ${callee.text}()`);
      }
    } else if (usesDb(node) && !inSqliteFolder && !DB_DECORATED_IN.has(file)) {
      report('sqlite', node.getStart(sf), `uses the SQLite connection (${node.getText(sf)})`);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      checkImport(node.argument.literal.text, node.getStart(sf));
    } else if (
      !inDatabaseFolder &&
      (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node))
    ) {
      const start = node.getStart(sf);
      const raw = source.slice(start, node.end);
      for (const [pattern, what] of SQL_PATTERNS) {
        const match = pattern.exec(raw);
        if (match) report('sql', start + match.index, `holds SQL (${what})`);
      }
    } else if (ts.isParameter(node) && node.type && !isRouteModule(file) && !file.endsWith('.d.ts')) {
      // `this: FastifyInstance` is how Fastify calls its own hooks, not a dependency.
      const name = node.name.getText(sf);
      const type = node.type.getText(sf);
      if (name !== 'this' && (namesFastifyInstance(type) || aliasPattern?.test(type))) {
        report('fastify', node.getStart(sf), `parameter ${name} is the Fastify instance (${type}): name the dependencies instead`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The non-test .ts files under `dir` (relative to the repository root). */
function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const full = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

const describe = (v: Violation) => `${v.file}:${v.line}: [${v.rule}] ${v.message}`;

function checkTree(): Violation[] {
  const files = sourceFiles('server').sort();
  return files.flatMap((file) => checkSource(file, readFileSync(path.join(ROOT, file), 'utf8')));
}

test('the checker finds each kind of violation, with its line, and passes clean code', () => {
  const planted = checkSource(
    'server/chat/example.ts',
    [
      "import Database from 'better-sqlite3';",
      "import { stmt } from '../stores/sqlite/database.js';",
      "import { chatRoutes } from './routes.js';",
      "import type { FastifyInstance } from 'fastify';",
      "type App = Pick<FastifyInstance, 'config'>;",
      'export function count(db: Database.Database, app: App) {',
      "  return stmt(db, 'SELECT count(*) FROM messages').get();",
      '}',
      'export const rows = (db: Database.Database, app: FastifyInstance) =>',
      '  db.prepare(`',
      '    DELETE FROM sessions`);',
    ].join('\n'),
  );
  const seen = planted.map((v) => `${v.rule}:${v.line}`);
  for (const expected of ['sqlite:1', 'sqlite:2', 'layers:3', 'fastify:6', 'sql:7', 'fastify:9', 'sql:10', 'sql:11']) {
    assert.ok(seen.includes(expected), `expected ${expected} in ${JSON.stringify(planted, null, 1)}`);
  }

  assert.deepEqual(
    checkSource('server/stores/example-store.ts', "import { answer } from '../chat/pipeline.js';\nimport type { Config } from '../config.js';").map(
      (v) => `${v.rule}:${v.line}`,
    ),
    ['layers:1'],
  );
  const clean = [
    '// SELECT id FROM messages: a comment is not SQL',
    "import type { FastifyInstance, FastifyReply } from 'fastify';",
    "import type { ChatStore } from '../stores/chat-store.js';",
    "export const message = 'Select a model from the list, then delete from the page.';",
    "export async function latest(store: ChatStore, config: FastifyInstance['config'], reply: FastifyReply) {",
    "  return /embed/i.exec(config.publicUrl ?? '') ?? store.latestWidgetVisit('x');",
    '}',
    'export function onClientError(this: FastifyInstance) {}',
  ].join('\n');
  assert.deepEqual(checkSource('server/chat/clean.ts', clean), []);
  assert.deepEqual(checkSource('server/stores/sqlite/example-store.ts', "import { stmt } from './database.js';\nstmt(db, 'SELECT 1 FROM admin');"), []);
  assert.deepEqual(checkSource('server/stores/postgres/example-store.ts', "import pg from 'pg';\nexport const q = 'SELECT 1 FROM admin';"), []);
  // Each driver stays in its own folder, and neither database folder reaches into the other.
  assert.deepEqual(
    checkSource('server/stores/postgres/mixed.ts', "import Database from 'better-sqlite3';\nimport { stmt } from '../sqlite/database.js';").map(
      (v) => `${v.rule}:${v.line}`,
    ),
    ['sqlite:1', 'sqlite:2'],
  );
  assert.deepEqual(
    checkSource('server/chat/uses-pg.ts', "import pg from 'pg';\nimport { openPool } from '../stores/postgres/database.js';").map((v) => `${v.rule}:${v.line}`),
    ['sqlite:1', 'sqlite:2'],
  );
});

test('only the database folders touch a database or hold SQL; no domain function takes the Fastify instance; imports run down the layers', () => {
  const violations = checkTree().filter((v) => !NOT_YET_MOVED[v.rule].includes(v.file));
  assert.deepEqual(violations.map(describe), [], 'see the rules at the top of server/architecture.test.ts');
});

test('every file in NOT_YET_MOVED still breaks its rule (when one is fixed, remove it from the list)', () => {
  const broken = new Set(checkTree().map((v) => `${v.rule} ${v.file}`));
  const fixed = (Object.keys(NOT_YET_MOVED) as Rule[]).flatMap((rule) =>
    NOT_YET_MOVED[rule].filter((file) => !broken.has(`${rule} ${file}`)).map((file) => `${rule}: ${file}`),
  );
  assert.deepEqual(fixed, []);
});
