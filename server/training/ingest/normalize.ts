// Text clean-up shared by every extractor, so all sources end up in one shape:
// '#' headings, paragraphs separated by one blank line, no invisible characters.

const FENCE = /^\s*(```|~~~)/;

/** Characters that carry no meaning for the bot but break token counts and exact matching. */
export function cleanChars(s: string): string {
  return (
    s
      .normalize('NFC')
      .replace(/\r\n?/g, '\n')
      .replace(/[\u00AD\u200B-\u200D\u2060\uFEFF]/g, '') // soft hyphen (PDF "emma­soft"), zero-width marks, BOM
      .replace(/[\u00A0\u2007\u202F]/g, ' ') // non-breaking spaces
      .replace(/[\u2028\u2029]/g, '\n')
      // Control characters other than tab and newline (seen in PDFs and old text files).
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '')
  );
}

/** Drops the "¶" / "§" anchor links documentation sites put after headings (a loop: linear on any input). */
export function withoutTrailingPilcrows(s: string): string {
  let end = s.length;
  for (;;) {
    while (end > 0 && /\s/.test(s[end - 1])) end--;
    if (end > 0 && (s[end - 1] === '¶' || s[end - 1] === '§')) end--;
    else break;
  }
  return s.slice(0, end);
}

/** Collapses runs of spaces inside one line of prose. */
export function collapseSpaces(s: string): string {
  return s.replace(/[ \t\f\v]+/g, ' ').trim();
}

/**
 * Final normalisation of a document's text: trims lines, collapses spaces and blank lines,
 * and leaves fenced code blocks alone (their indentation is meaningful).
 */
export function normalizeDocumentText(raw: string): string {
  const lines = cleanChars(raw).split('\n');
  const out: string[] = [];
  let inFence = false;
  for (const line of lines) {
    if (FENCE.test(line)) {
      inFence = !inFence;
      out.push(line.trim());
      continue;
    }
    if (inFence) {
      out.push(line.trimEnd());
      continue;
    }
    // Nested list items keep their indentation; everything else is trimmed.
    const nested = /^( {2,})([-*] |\d+[.)] )/.exec(line);
    out.push(nested ? ' '.repeat(Math.min(nested[1].length, 8)) + collapseSpaces(line) : collapseSpaces(line));
  }
  if (inFence) out.push('```'); // an unclosed fence would swallow the rest of the document
  return out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Letters and digits in `text`, counted up to `stopAt` (no array of matches: a 5 MB text costs nothing extra). */
export function countLetters(text: string, stopAt = Number.POSITIVE_INFINITY): number {
  const letter = /[\p{L}\p{N}]/gu;
  let n = 0;
  while (n < stopAt && letter.exec(text)) n++;
  return n;
}

/** True when the text has at least a few letters or digits: "no readable text" otherwise. */
export function hasReadableText(text: string, minChars = 1): boolean {
  return countLetters(text, minChars) >= minChars;
}
