// One notification e-mail, written once as structure (a subject, paragraphs, facts, a table, a link) and
// rendered twice from it: plain text and simple HTML. Everything in the HTML is escaped: lead names and
// messages come from visitors, and alert messages quote what a provider said.

export interface MessageTable {
  caption: string;
  head: string[];
  rows: string[][];
  /** Columns aligned right (numbers). */
  numeric?: number[];
}

export interface MessageContent {
  /** Without the "[Docent]" prefix. */
  subject: string;
  paragraphs: string[];
  /** Label and value pairs ("Name", "Jane"). */
  facts?: Array<[string, string]>;
  tables?: MessageTable[];
  /** Where to act: a path of the admin ("/admin/settings") or a full address (OpenRouter's credits page). */
  action?: { label: string; href: string };
  /** Replies go here (a lead's e-mail address). */
  replyTo?: string;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
  replyTo?: string;
}

const SUBJECT_PREFIX = '[Docent]';
const MAX_SUBJECT = 200;

/** A header value: one line, bounded (a visitor's name must not add lines or run on). */
function oneLine(text: string, max: number): string {
  const line = text
    .replace(/[\r\n\t\u2028\u2029]+/g, ' ')
    .replace(/\s{2,}/g, ' ')
    .trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const absolute = (href: string, base: string) => (/^https?:\/\//.test(href) ? href : `${base}${href}`);

function textTable(table: MessageTable): string {
  const widths = table.head.map((h, i) => Math.max(h.length, ...table.rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (table.numeric?.includes(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [table.caption, line(table.head), widths.map((w) => '-'.repeat(w)).join('  '), ...table.rows.map(line)].join('\n');
}

function htmlTable(table: MessageTable): string {
  const cell = (tag: 'th' | 'td', text: string, i: number) =>
    `<${tag}${tag === 'th' && i >= 0 ? ' scope="col"' : ''} style="padding:4px 10px;border-bottom:1px solid #dcdcde;text-align:${table.numeric?.includes(i) ? 'right' : 'left'}">${escapeHtml(text)}</${tag}>`;
  return (
    `<table style="border-collapse:collapse;margin:12px 0;font-size:14px"><caption style="text-align:left;font-weight:600;padding:4px 0">${escapeHtml(table.caption)}</caption>` +
    `<thead><tr>${table.head.map((h, i) => cell('th', h, i)).join('')}</tr></thead>` +
    `<tbody>${table.rows.map((r) => `<tr>${r.map((c, i) => cell('td', c, i)).join('')}</tr>`).join('')}</tbody></table>`
  );
}

/**
 * The e-mail for `content`. `base` is the admin's address (no trailing slash): links point there, and the
 * footer says which Docent sent it and where to change what it sends.
 */
export function renderEmail(content: MessageContent, base: string): RenderedEmail {
  const subject = `${SUBJECT_PREFIX} ${oneLine(content.subject, MAX_SUBJECT)}`;
  const settingsUrl = `${base}/admin/settings?tab=notifications`;
  const footer = `Sent by Docent at ${base}. Choose what it sends you in Settings → Notifications: ${settingsUrl}`;
  const action = content.action && { label: content.action.label, url: absolute(content.action.href, base) };

  const text = `${[
    oneLine(content.subject, MAX_SUBJECT),
    ...content.paragraphs,
    content.facts?.length ? content.facts.map(([k, v]) => `${k}: ${v}`).join('\n') : '',
    ...(content.tables ?? []).map(textTable),
    action ? `${action.label}: ${action.url}` : '',
    `-- \n${footer}`,
  ]
    .filter(Boolean)
    .join('\n\n')}\n`;

  const p = (inner: string) => `<p style="margin:0 0 12px">${inner}</p>`;
  const html =
    '<!doctype html><html><body style="font-family:-apple-system,BlinkMacSystemFont,\'Segoe UI\',Roboto,sans-serif;color:#1d2327;line-height:1.5;max-width:640px">' +
    `<h1 style="font-size:20px;margin:0 0 12px">${escapeHtml(oneLine(content.subject, MAX_SUBJECT))}</h1>` +
    content.paragraphs.map((t) => p(escapeHtml(t).replace(/\n/g, '<br>'))).join('') +
    (content.facts?.length
      ? `<table style="border-collapse:collapse;margin:0 0 12px">${content.facts
          .map(
            ([k, v]) =>
              `<tr><th scope="row" style="text-align:left;vertical-align:top;padding:2px 12px 2px 0">${escapeHtml(k)}</th><td style="padding:2px 0;white-space:pre-wrap">${escapeHtml(v)}</td></tr>`,
          )
          .join('')}</table>`
      : '') +
    (content.tables ?? []).map(htmlTable).join('') +
    (action ? p(`<a href="${escapeHtml(action.url)}" style="color:#2271b1">${escapeHtml(action.label)}</a>`) : '') +
    `<p style="margin:24px 0 0;color:#646970;font-size:12px">Sent by Docent at ${escapeHtml(base)}. Choose what it sends you in ` +
    `<a href="${escapeHtml(settingsUrl)}" style="color:#2271b1">Settings → Notifications</a>.</p>` +
    '</body></html>';

  return { subject, text, html, ...(content.replyTo ? { replyTo: content.replyTo } : {}) };
}
