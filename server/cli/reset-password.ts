// `npm run reset-password`: sets a new admin password from the server's shell, for an admin locked out of
// the browser. The password is typed at a prompt that does not echo it, or piped in on stdin, never taken
// from the command line (shell history, the process list). It works while Docent runs: the database is
// shared safely (SQLite WAL), and ending every session in it logs out every browser at once.
import { existsSync } from 'node:fs';
import { ConfigError, loadConfig } from '../config.js';
import { openSqliteStores } from '../stores/sqlite/open.js';
import { openPostgresStores } from '../stores/postgres/open.js';
import { MigrationError } from '../stores/migrations.js';
import { MIN_PASSWORD_LENGTH, replaceAdminPassword } from '../auth/admin-account.js';

const MAX_PASSWORD_LENGTH = 1024;
const USAGE = `Usage: npm run reset-password
  Type the new password when asked, or pipe it in:  printf '%s\\n' "$NEW_PASSWORD" | npm run reset-password
  Set DATA_DIR as the server has it (default ./data).`;

class ResetError extends Error {}

/** Reads one line from the terminal without echoing it (raw mode: each key arrives as typed). */
function promptHidden(question: string): Promise<string> {
  const { stdin, stderr } = process;
  return new Promise((resolve, reject) => {
    let value = '';
    stdin.setRawMode(true); // before the prompt: a key typed at once must not be echoed either
    stderr.write(question);
    stdin.setEncoding('utf8');
    stdin.resume();
    const done = (error?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003' || ch === '\u0004') return done(new ResetError('Cancelled: the password was not changed.'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** The first line of stdin, when it is a pipe or a file. */
async function readPiped(): Promise<string> {
  let text = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) {
    text += chunk;
    if (text.length > MAX_PASSWORD_LENGTH * 4) break;
  }
  return text.split(/\r?\n/)[0];
}

async function readNewPassword(): Promise<string> {
  if (!process.stdin.isTTY) return readPiped();
  const password = await promptHidden('New admin password: ');
  checkLength(password);
  const again = await promptHidden('Type it again: ');
  if (again !== password) throw new ResetError('The two passwords do not match. Nothing was changed.');
  return password;
}

function checkLength(password: string): void {
  if (!password) throw new ResetError(`No password was given. Nothing was changed.\n${USAGE}`);
  if (password.length < MIN_PASSWORD_LENGTH) throw new ResetError(`The password must be at least ${MIN_PASSWORD_LENGTH} characters. Nothing was changed.`);
  if (password.length > MAX_PASSWORD_LENGTH) throw new ResetError(`The password must be at most ${MAX_PASSWORD_LENGTH} characters. Nothing was changed.`);
}

async function main(): Promise<void> {
  if (process.argv.length > 2) {
    // Never echo what was given: it may be the password.
    throw new ResetError(
      `This command takes no arguments: a password on the command line would stay in your shell history and show in the process list. Nothing was changed.\n${USAGE}`,
    );
  }
  const config = loadConfig();
  const password = await readNewPassword();
  checkLength(password);

  // Cluster mode: the account is in PostgreSQL, shared by every node.
  const existed = config.databaseUrl !== undefined || existsSync(config.databasePath);
  const where = config.databaseUrl ? 'PostgreSQL' : config.databasePath;
  const stores = config.databaseUrl
    ? await openPostgresStores(config.databaseUrl, { max: 2, applicationName: 'docent-reset-password' })
    : openSqliteStores(config.databasePath);
  try {
    const { created, sessionsEnded } = await replaceAdminPassword(stores.auth, password);
    const lines = [
      created ? `Created the admin account with the new password (${where}).` : `The admin password is reset (${where}).`,
      sessionsEnded === 1
        ? 'One browser session was ended: log in again with the new password.'
        : sessionsEnded > 1
          ? `${sessionsEnded} browser sessions were ended: log in again with the new password.`
          : 'There were no sessions to end. Log in with the new password.',
    ];
    if (!existed)
      lines.push(
        `There was no Docent database in ${config.dataDir} before. If your server keeps its data elsewhere, run this again with DATA_DIR set to that folder.`,
      );
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await stores.close();
  }
}

main().catch((err) => {
  if (err instanceof ResetError || err instanceof ConfigError || err instanceof MigrationError) {
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 1;
    return;
  }
  // Unexpected failures (a locked or unreadable database): the error, which never contains the password.
  process.stderr.write(`The password was not reset: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
