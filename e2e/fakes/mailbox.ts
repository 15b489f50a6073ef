// A real SMTP server on 127.0.0.1 (the smtp-server package) that keeps every message it accepts, decoded
// enough to assert on: envelope, headers, the text and HTML parts. Options make it require a login (and
// refuse a wrong one with 535), refuse some recipients with 550, or speak TLS from the first byte.
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  /** The login used, if any. */
  user: string | null;
  /** Header names lower-cased, values unfolded and with encoded words decoded. */
  headers: Record<string, string>;
  text: string;
  html: string;
  raw: string;
}

export interface MailboxOptions {
  /** Require this login; any other is refused with "535 5.7.8 Authentication credentials invalid". */
  login?: { user: string; pass: string };
  /** RCPT TO addresses matching this are refused with "550 5.1.1 No such mailbox". */
  refuseRecipients?: RegExp;
  /** TLS from the first byte (port-465 style), with smtp-server's built-in certificate (which is expired). */
  secure?: boolean;
}

export interface Mailbox {
  host: string;
  port: number;
  messages: ReceivedMail[];
  /** Every login attempt: user and whether it was accepted (never the password). */
  logins: Array<{ user: string; ok: boolean }>;
  /** Resolves when `count` messages have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

function decodeWords(value: string): string {
  return value.replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=\s*/g, (_m, _charset: string, enc: string, text: string) =>
    enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : decodeQuotedPrintable(text.replace(/_/g, ' ')),
  );
}

function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = [];
  const soft = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < soft.length; i++) {
    if (soft[i] === '=' && /^[0-9A-F]{2}$/i.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(soft[i], 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function splitHead(raw: string): { headers: Record<string, string>; body: string } {
  const at = raw.indexOf('\r\n\r\n');
  const head = at === -1 ? raw : raw.slice(0, at);
  const body = at === -1 ? '' : raw.slice(at + 4);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = decodeWords(line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function decodeBody(headers: Record<string, string>, body: string): string {
  const encoding = (headers['content-transfer-encoding'] ?? '').toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body);
  return body;
}

/** The text and HTML parts of a message (multipart/alternative or a single part). */
function partsOf(headers: Record<string, string>, body: string): { text: string; html: string } {
  const type = headers['content-type'] ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (!boundary) return /text\/html/i.test(type) ? { text: '', html: decodeBody(headers, body) } : { text: decodeBody(headers, body), html: '' };
  const out = { text: '', html: '' };
  for (const part of body.split(`--${boundary}`).slice(1)) {
    if (part.startsWith('--')) break;
    const { headers: h, body: b } = splitHead(part.replace(/^\r\n/, ''));
    const inner = partsOf(h, b.replace(/\r\n$/, ''));
    out.text ||= inner.text;
    out.html ||= inner.html;
  }
  return out;
}

export function parseMail(raw: string): Pick<ReceivedMail, 'headers' | 'text' | 'html'> {
  const { headers, body } = splitHead(raw);
  const { text, html } = partsOf(headers, body);
  return { headers, text: text.replace(/\r\n/g, '\n'), html };
}

export async function startMailbox(options: MailboxOptions = {}): Promise<Mailbox> {
  const messages: ReceivedMail[] = [];
  const logins: Mailbox['logins'] = [];
  const waiters: Array<() => void> = [];
  const serverOptions: SMTPServerOptions = {
    logger: false,
    secure: options.secure ?? false,
    // Tests log in over plain connections: STARTTLS would meet smtp-server's expired built-in certificate.
    allowInsecureAuth: true,
    authOptional: !options.login,
    onAuth(auth, _session, callback) {
      const ok = !!options.login && auth.username === options.login.user && auth.password === options.login.pass;
      logins.push({ user: auth.username ?? '', ok });
      if (ok) callback(null, { user: auth.username });
      else callback(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      if (options.refuseRecipients?.test(address.address)) callback(Object.assign(new Error('5.1.1 No such mailbox'), { responseCode: 550 }));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        messages.push({
          envelope: { from, to: session.envelope.rcptTo.map((r) => r.address) },
          user: typeof session.user === 'string' ? session.user : null,
          raw,
          ...parseMail(raw),
        });
        for (const w of waiters.splice(0)) w();
        callback();
      });
    },
  };
  const server = new SMTPServer(serverOptions);
  server.on('error', () => {
    /* a client hanging up mid-handshake (the TLS tests) is not a test failure */
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    host: '127.0.0.1',
    port,
    messages,
    logins,
    async waitFor(count, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (Date.now() > until) throw new Error(`expected ${count} e-mails, got ${messages.length}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
      return messages;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
