// Locks on things that may not have a row yet. A row lock (SELECT … FOR UPDATE) serializes writers only once the
// row exists; two nodes doing read-then-write on an absent row would both read "none" and the second write
// would silently undo the first. A transaction-scoped advisory lock on the thing's name closes that gap, and is
// released with the transaction (commit or rollback), so it can never be left held.
import { createHash } from 'node:crypto';
import type { Client } from './database.js';

/** Holds the lock named `name` until the end of `client`'s transaction, waiting while another transaction holds it. */
export async function lockUntilCommit(client: Client, name: string): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [advisoryKey(name)]);
}

/** A 64-bit key for a name, the same on every node (and on every PostgreSQL version, unlike hashtext()). */
function advisoryKey(name: string): string {
  const digest = createHash('sha256').update(`docent:${name}`).digest();
  return digest.readBigInt64BE(0).toString();
}
