// E-mail through the admin's SMTP server (nodemailer), bounded in time, with every failure described as a
// sentence that says which step failed: finding or reaching the server, the secure connection, the login, the
// sender or a recipient.
//
// The SMTP host is not held to the web sources' public-address rule: a relay on localhost or the LAN is the
// normal way to send mail from a server, only the admin sets it, and nothing fetched from it is shown back
// beyond the server's own SMTP replies.
import nodemailer from 'nodemailer';
import type { RenderedEmail } from './message.js';
import type { EmailSettings, SecurityMode } from './settings.js';

/** A whole send (connect, TLS, login, message) never takes longer than this. */
export const SMTP_DEADLINE_MS = 15_000;
/** Finding the server, connecting and its greeting each get this long. */
export const SMTP_CONNECT_TIMEOUT_MS = 10_000;

export type SmtpStage = 'connect' | 'tls' | 'login' | 'sender' | 'recipient' | 'message' | 'other';

/** A failed send, for the admin: `retry` says whether trying again later may help. */
export class SmtpError extends Error {
  constructor(
    readonly stage: SmtpStage,
    message: string,
    readonly retry: boolean,
  ) {
    super(message);
    this.name = 'SmtpError';
  }
}

export interface SmtpTarget extends Pick<EmailSettings, 'host' | 'port' | 'security' | 'user' | 'from' | 'to'> {
  password: string | null;
}

export interface SendOutcome {
  /** Recipients the server accepted. */
  accepted: string[];
  /** Recipients it refused, each with its reply, while others were accepted. */
  refused: Array<{ address: string; reply: string }>;
}

interface NodemailerError extends Error {
  code?: string;
  command?: string;
  response?: string;
  responseCode?: number;
  rejected?: string[];
  rejectedErrors?: NodemailerError[];
  reason?: string;
  cause?: unknown;
}

const secs = (ms: number) => `${Math.round(ms / 1000)} s`;
const where = (t: Pick<SmtpTarget, 'host' | 'port'>) => `${t.host}:${t.port}`;
/** A server reply, one line, bounded: it goes into a sentence. */
const reply = (text: string | undefined) => (text ?? '').replace(/\s+/g, ' ').trim().slice(0, 300);

const SECURITY_TRANSPORT: Record<SecurityMode, { secure: boolean; requireTLS?: boolean; ignoreTLS?: boolean }> = {
  none: { secure: false, ignoreTLS: true },
  starttls: { secure: false, requireTLS: true },
  tls: { secure: true },
};

/** A TLS problem's own code, wherever nodemailer put it. */
function tlsCode(err: NodemailerError): string | null {
  for (const candidate of [err, err.cause as NodemailerError | undefined]) {
    const code = candidate?.code ?? '';
    if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/i.test(code) && code !== 'ETLS') return code;
    const text = `${candidate?.message ?? ''} ${candidate?.reason ?? ''}`;
    const named =
      /\b(ERR_SSL_[A-Z_]+|ERR_TLS_[A-Z_]+|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|CERT_HAS_EXPIRED|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|ERR_TLS_CERT_ALTNAME_INVALID)\b/.exec(
        text,
      );
    if (named) return named[1];
    if (/wrong version number|self[- ]signed certificate|certificate has expired|unable to verify|altnames|ssl3_get_record|packet length too long/i.test(text))
      return 'TLS';
  }
  return err.code === 'ETLS' ? 'ETLS' : null;
}

function tlsAdvice(target: SmtpTarget, code: string, detail: string): string {
  if (/WRONG_VERSION|wrong version number|ssl3_get_record|packet length too long/i.test(`${code} ${detail}`)) {
    return target.security === 'tls'
      ? `The server did not answer with TLS on port ${target.port}: it probably expects STARTTLS (usual on port 587) or no encryption. Choose STARTTLS.`
      : 'The server answered in an unexpected way. Check the port and the security setting.';
  }
  if (/SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|self[- ]signed|unable to verify/i.test(`${code} ${detail}`)) {
    return "The server's certificate is not signed by a known authority (self-signed). For a relay on this machine or your own network, choose None; otherwise ask your mail provider for the right host name.";
  }
  if (/EXPIRED|expired/i.test(`${code} ${detail}`)) return "The server's certificate has expired: tell your mail provider.";
  if (/ALTNAME|altnames/i.test(`${code} ${detail}`))
    return `The server's certificate is not for ${target.host}: use the host name your mail provider gives, not an IP address or alias.`;
  if (/STARTTLS/i.test(detail))
    return `The server at ${where(target)} does not offer STARTTLS. Choose TLS if the port expects encryption from the start (usually 465), or None for a local relay without encryption.`;
  return 'Check the port and the security setting (STARTTLS on 587, TLS on 465).';
}

/** The admin's sentence for a failed send. */
export function describeSmtpError(err: unknown, target: SmtpTarget, connectTimeoutMs = SMTP_CONNECT_TIMEOUT_MS): SmtpError {
  if (err instanceof SmtpError) return err;
  const e = (err ?? {}) as NodemailerError;
  const code = e.code ?? '';
  const message = e.message ?? String(err);
  const cause = (e.cause as NodemailerError | undefined)?.code ?? '';
  const errno = /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT)\b/.exec(`${cause} ${message}`)?.[1] ?? '';

  if (code === 'EAUTH') {
    const said = reply(e.response) || reply(message.replace(/^Invalid login:\s*/i, ''));
    return new SmtpError('login', `Connected, but the server refused the login: ${said}. Check the user name and password.`, true);
  }
  if (code === 'ENOAUTH') return new SmtpError('login', 'The server asks for a login: enter the user name and password.', true);

  const tls = tlsCode(e);
  if (tls || code === 'ETLS') {
    const detail = reply(message);
    // OpenSSL's own text is a line of internals: its reason is the readable part.
    const reason =
      /wrong version number|certificate has expired|self[- ]signed certificate( in certificate chain)?|unable to verify the first certificate|unable to get local issuer certificate|packet length too long|Hostname\/IP does not match certificate's altnames/i.exec(
        detail,
      )?.[0] ?? (tls && tls !== 'TLS' && tls !== 'ETLS' ? tls : detail);
    return new SmtpError('tls', `Connected to ${where(target)}, but the secure connection failed (${reason}). ${tlsAdvice(target, tls ?? '', detail)}`, true);
  }

  if (code === 'EDNS' || errno === 'ENOTFOUND' || errno === 'EAI_AGAIN') {
    return new SmtpError('connect', `Could not find the mail server ${target.host} (DNS lookup failed). Check the host name.`, true);
  }
  if (errno === 'ECONNREFUSED') {
    return new SmtpError(
      'connect',
      `Could not connect to ${where(target)}: the connection was refused. Check the host and port, and that the mail server is running.`,
      true,
    );
  }
  if (errno === 'EHOSTUNREACH' || errno === 'ENETUNREACH') {
    return new SmtpError('connect', `Could not reach ${where(target)} (${errno}): the network has no route to it. Check the host name.`, true);
  }
  if (/greeting never received/i.test(message)) {
    return new SmtpError(
      'connect',
      `Connected to ${where(target)}, but no mail server greeted within ${secs(connectTimeoutMs)}.${target.security !== 'tls' ? ' If this port expects encryption from the start (usually 465), choose TLS.' : ' Check the port.'}`,
      true,
    );
  }
  if (code === 'ETIMEDOUT' || errno === 'ETIMEDOUT') {
    return new SmtpError(
      'connect',
      `Could not connect to ${where(target)}: no answer within ${secs(connectTimeoutMs)}. Check the host and port; many hosting providers block outgoing mail ports (25 most of all).`,
      true,
    );
  }

  if (code === 'EENVELOPE') {
    const said = reply(e.response);
    const permanent = (e.responseCode ?? 0) >= 500;
    if (/^MAIL FROM/i.test(e.command ?? '')) {
      if (e.responseCode === 530)
        return new SmtpError('login', `Connected, but the server requires a login before sending: ${said}. Enter the user name and password.`, true);
      return new SmtpError(
        'sender',
        `Connected, but the server refused the sender address ${target.from}: ${said}. Use an address of a domain this server sends for.`,
        !permanent,
      );
    }
    const refused = e.rejected?.length ? e.rejected.join(', ') : target.to.join(', ');
    const said2 = said || reply(e.rejectedErrors?.[0]?.response);
    return new SmtpError(
      'recipient',
      `Connected, but the server refused the recipient ${refused}: ${said2}. Check the address.`,
      !permanent && !/^5/.test(said2),
    );
  }
  if (code === 'EMESSAGE') {
    return new SmtpError('message', `The server refused the message: ${reply(e.response) || reply(message)}.`, (e.responseCode ?? 0) < 500);
  }
  if (code === 'ECONNECTION' || code === 'ESOCKET' || errno === 'ECONNRESET') {
    return new SmtpError('connect', `The connection to ${where(target)} broke off (${reply(message)}). Check the host, port and security setting.`, true);
  }
  return new SmtpError('other', `The e-mail could not be sent: ${reply(message)}.`, true);
}

/**
 * Sends `email` to the target's recipients. Resolves with who accepted it (and who was refused when some
 * were); throws an SmtpError. Never takes longer than `deadlineMs`.
 */
export interface SendOptions {
  deadlineMs?: number;
  connectTimeoutMs?: number;
  headers?: Record<string, string>;
}

export async function sendEmail(target: SmtpTarget, email: RenderedEmail, options: SendOptions = {}): Promise<SendOutcome> {
  const deadlineMs = options.deadlineMs ?? SMTP_DEADLINE_MS;
  const connectTimeoutMs = Math.min(options.connectTimeoutMs ?? SMTP_CONNECT_TIMEOUT_MS, deadlineMs);
  const transport = nodemailer.createTransport({
    host: target.host.replace(/^\[|\]$/g, ''),
    port: target.port,
    ...SECURITY_TRANSPORT[target.security],
    ...(target.user ? { auth: { user: target.user, pass: target.password ?? '' } } : {}),
    connectionTimeout: connectTimeoutMs,
    greetingTimeout: connectTimeoutMs,
    socketTimeout: deadlineMs,
    dnsTimeout: connectTimeoutMs,
    logger: false,
    debug: false,
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new SmtpError(
            'connect',
            `The mail server at ${where(target)} did not finish within ${secs(deadlineMs)}: it may be overloaded or a firewall may hold the connection. Try again later.`,
            true,
          ),
        ),
      deadlineMs,
    );
  });
  try {
    const info = await Promise.race([
      transport.sendMail({
        from: { name: 'Docent', address: target.from },
        to: target.to,
        subject: email.subject,
        text: email.text,
        html: email.html,
        ...(email.replyTo ? { replyTo: email.replyTo } : {}),
        // RFC 3834: an automatic message, so vacation responders do not answer it.
        headers: { 'Auto-Submitted': 'auto-generated', ...options.headers },
      }),
      deadline,
    ]);
    const accepted = (info.accepted ?? []).map(String);
    const rejectedErrors = (info as { rejectedErrors?: NodemailerError[] }).rejectedErrors ?? [];
    const refused = (info.rejected ?? []).map((address, i) => ({ address: String(address), reply: reply(rejectedErrors[i]?.response) }));
    return { accepted, refused };
  } catch (err) {
    throw describeSmtpError(err, target, connectTimeoutMs);
  } finally {
    clearTimeout(timer);
    transport.close();
  }
}
