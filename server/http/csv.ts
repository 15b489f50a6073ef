// CSV downloads (Conversations, Dashboard insights): every cell quoted, and a cell a spreadsheet would run as
// a formula (CSV injection: it starts with = + - @, a tab or a carriage return) gets a leading ' so it shows as
// text. UTF-8 with a byte-order mark and CRLF line ends, which Excel needs to read accents right.

export function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

export function csvDocument(header: string[], rows: unknown[][]): string {
  return `\uFEFF${[header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** Content-Disposition for a download; `name` is built by Docent from safe characters only. */
export function attachment(name: string): string {
  return `attachment; filename="${name.replace(/[^\w.-]/g, '_')}"`;
}
