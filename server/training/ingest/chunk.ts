// Document text → token-aware chunks for embedding.
//
// Splitting order: headings (a chunk never spans two sections), then paragraphs, then lines and
// sentences of an over-long paragraph, and only then hard token cuts. Each chunk's text starts
// with a context line "<title> › <heading path>" so a passage like "It takes 3 days." still
// embeds as being about shipping.
//
// Boundaries are content-defined: after a chunk is half full, it ends at a paragraph whose hash
// marks it as an anchor. The same paragraphs therefore produce the same boundaries wherever they
// sit, and editing one paragraph changes only the chunks around it (their hashes change, every
// other hash stays, so re-training unchanged content costs nothing).
import { createHash } from 'node:crypto';
import { countTokens as countWithOptions, decode, encode } from 'gpt-tokenizer/encoding/cl100k_base';
import type { Chunk } from './types.js';

export const DEFAULT_MAX_TOKENS = 350;
export const DEFAULT_OVERLAP_TOKENS = 50;

export interface ChunkOptions {
  /** Upper bound for a chunk's whole `text` (context line included). Default 350. */
  maxTokens?: number;
  /** Tokens of the previous chunk of the same section repeated at the start of the next. Default 50. */
  overlapTokens?: number;
}

// Text such as "<|endoftext|>" on a web page is just text, not a control token.
const PLAIN = { disallowedSpecial: new Set<string>() };

/** Tokens of `text` with cl100k_base, the tokenizer of OpenAI's text-embedding-3 models. */
export function countTokens(text: string): number {
  return countWithOptions(text, PLAIN);
}

const FENCE = /^\s*(```|~~~)/;
const HEADING = /^(#{1,6})\s+(.+?)\s*$/;
const CONTEXT_SEPARATOR = ' › ';

interface Section {
  path: string[];
  paragraphs: string[];
}

interface Unit {
  text: string;
  tokens: number;
  /** Separator placed before this unit when it follows another in the same chunk. */
  joiner: string;
  /** Last piece of its paragraph: a clean place to end a chunk. */
  endsParagraph: boolean;
}

/** Splits normalised text into sections at '#' headings (not inside code fences), then paragraphs. */
function parseSections(text: string): Section[] {
  const sections: Section[] = [];
  const stack: { level: number; title: string }[] = [];
  let current: Section = { path: [], paragraphs: [] };
  let para: string[] = [];
  let inFence = false;

  const endParagraph = () => {
    const p = para.join('\n').trim();
    if (p) current.paragraphs.push(p);
    para = [];
  };
  const endSection = () => {
    endParagraph();
    if (current.paragraphs.length) sections.push(current);
  };

  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (FENCE.test(line)) {
      if (!inFence) endParagraph(); // a code block is a paragraph of its own
      inFence = !inFence;
      para.push(line);
      if (!inFence) endParagraph();
      continue;
    }
    if (inFence) {
      para.push(line);
      continue;
    }
    const h = HEADING.exec(line);
    if (h) {
      endSection();
      const level = h[1].length;
      while (stack.length && stack[stack.length - 1].level >= level) stack.pop();
      stack.push({ level, title: h[2] });
      current = { path: stack.map((s) => s.title), paragraphs: [] };
      continue;
    }
    if (line.trim() === '') endParagraph();
    else para.push(line);
  }
  endSection();
  return sections;
}

function contextLine(title: string, path: string[], maxTokens: number): string {
  // Leading headings the title already says ("Amoebax" under "Amoebax User's Manual") are dropped.
  const t = title.trim().toLowerCase();
  let skip = 0;
  while (skip < path.length && t && t.includes(path[skip].trim().toLowerCase())) skip++;
  const parts = [title.trim(), ...path.slice(skip)].filter((p) => p);
  let line = parts.join(CONTEXT_SEPARATOR);
  // A runaway title or heading must not eat the passage's budget.
  const cap = Math.max(8, Math.floor(maxTokens / 4));
  const tokens = encode(line, PLAIN);
  if (tokens.length > cap)
    line = `${decode(tokens.slice(0, cap - 1))
      .replace(/\uFFFD+$/, '')
      .trimEnd()}…`;
  return line;
}

const SENTENCE_BREAK = /(?<=[.!?…][”"’')\]]*)\s+(?=[\p{Lu}\p{N}"“‘'([¿¡])|(?<=[。！？])/u;

function splitSentences(text: string): string[] {
  return text
    .split(SENTENCE_BREAK)
    .map((s) => s.trim())
    .filter((s) => s);
}

/** Last resort for text without usable breaks: cut by tokens, preferably where a word starts. */
function hardSplit(text: string, budget: number): string[] {
  const tokens = encode(text, PLAIN);
  const pieces: string[] = [];
  let start = 0;
  while (start < tokens.length) {
    let end = Math.min(start + budget, tokens.length);
    if (end < tokens.length) {
      for (let e = end; e > start + Math.floor(budget * 0.7); e--) {
        if (/^\s/.test(decode([tokens[e]]))) {
          end = e;
          break;
        }
      }
      // Never cut through a multi-byte character that spans two tokens.
      while (end > start + 1 && decode(tokens.slice(start, end)).endsWith('\uFFFD')) end--;
    }
    const piece = decode(tokens.slice(start, end)).trim();
    if (piece) pieces.push(piece);
    start = end;
  }
  return pieces;
}

function unit(text: string, joiner: string, endsParagraph: boolean): Unit {
  return { text, tokens: countTokens(text), joiner, endsParagraph };
}

/** Breaks one paragraph into units that each fit `budget` tokens. */
function paragraphUnits(paragraph: string, budget: number): Unit[] {
  const whole = countTokens(paragraph);
  if (whole <= budget) return [{ text: paragraph, tokens: whole, joiner: '\n\n', endsParagraph: true }];

  const pieces: { text: string; joiner: string }[] = [];
  const fenced = FENCE.test(paragraph);
  if (fenced) {
    // Code: split by lines, each piece a fenced block of its own.
    const lines = paragraph.split('\n').filter((l) => !FENCE.test(l));
    let group: string[] = [];
    const flush = () => {
      if (group.length) pieces.push({ text: `\`\`\`\n${group.join('\n')}\n\`\`\``, joiner: '\n' });
      group = [];
    };
    for (const l of lines) {
      if (group.length && countTokens(`\`\`\`\n${[...group, l].join('\n')}\n\`\`\``) > budget) flush();
      if (countTokens(`\`\`\`\n${l}\n\`\`\``) > budget) {
        flush();
        for (const p of hardSplit(l, budget - 8)) pieces.push({ text: `\`\`\`\n${p}\n\`\`\``, joiner: '\n' });
      } else group.push(l);
    }
    flush();
  } else {
    // Lines first (list items, "header: value" rows), then sentences, then hard cuts.
    for (const line of paragraph.split('\n')) {
      if (countTokens(line) <= budget) {
        pieces.push({ text: line, joiner: '\n' });
        continue;
      }
      let first = true;
      for (const sentence of splitSentences(line)) {
        const parts = countTokens(sentence) <= budget ? [sentence] : hardSplit(sentence, budget);
        for (const p of parts) {
          pieces.push({ text: p, joiner: first ? '\n' : ' ' });
          first = false;
        }
      }
    }
  }
  return pieces.map((p, i) => unit(p.text, i === 0 ? '\n\n' : p.joiner, i === pieces.length - 1));
}

function sha256(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}

/** Content-defined boundary marker: about one paragraph in three. */
function isAnchor(u: Unit): boolean {
  return u.endsParagraph && createHash('sha256').update(u.text).digest()[0] % 3 === 0;
}

function joinUnits(units: Unit[]): string {
  return units.map((u, i) => (i === 0 ? u.text : u.joiner + u.text)).join('');
}

/** The end of a passage: whole lines, then whole sentences when they fit, at most `limit` tokens. */
function tailOverlap(content: string, limit: number): string {
  if (limit <= 0) return '';
  const lines = content.split('\n').filter((l) => l.trim() && !FENCE.test(l));
  const picked: string[] = [];
  let used = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const t = countTokens(lines[i]) + (picked.length ? 1 : 0);
    if (used + t <= limit) {
      picked.unshift(lines[i]);
      used += t;
      continue;
    }
    // This line doesn't fit whole: take its last sentences that do, and stop.
    const sentences: string[] = [];
    const ss = splitSentences(lines[i]);
    for (let k = ss.length - 1; k >= 0; k--) {
      const st = countTokens(ss[k]) + 1;
      if (used + st > limit) break;
      sentences.unshift(ss[k]);
      used += st;
    }
    if (sentences.length) picked.unshift(sentences.join(' '));
    break;
  }
  if (picked.length) return picked.join('\n');
  // One long last sentence: its last words.
  const tokens = encode(content, PLAIN);
  let tail = decode(tokens.slice(Math.max(0, tokens.length - limit)));
  if (tail.length < content.length) tail = tail.replace(/^\S*\s+/, ''); // drop the cut-off first word
  return tail.replace(/^\uFFFD+/, '').trim();
}

/**
 * Splits a document into chunks. Deterministic: the same title and text always give the same
 * chunks and hashes.
 */
export function chunkDocument(doc: { title: string; text: string }, opts: ChunkOptions = {}): Chunk[] {
  const maxTokens = Math.max(32, Math.floor(opts.maxTokens ?? DEFAULT_MAX_TOKENS));
  const overlapTokens = Math.max(0, Math.min(Math.floor(opts.overlapTokens ?? DEFAULT_OVERLAP_TOKENS), Math.floor(maxTokens / 3)));
  const chunks: Chunk[] = [];

  for (const section of parseSections(doc.text)) {
    const context = contextLine(doc.title, section.path, maxTokens);
    const prefix = context ? `${context}\n\n` : '';
    const budget = maxTokens - countTokens(prefix);
    const minFill = Math.floor(budget / 2);

    // Paragraphs with no letters or digits (empty code fences, rules) carry nothing to retrieve.
    const queue: Unit[] = section.paragraphs.filter((p) => /[\p{L}\p{N}]/u.test(p)).flatMap((p) => paragraphUnits(p, budget - overlapTokens - 2));

    let overlap = '';
    let i = 0;
    while (i < queue.length) {
      const overlapCost = overlap ? countTokens(overlap) + 1 : 0;
      const room = budget - overlapCost;
      const cur: Unit[] = [];
      let used = 0;
      while (i < queue.length) {
        const u = queue[i];
        const cost = u.tokens + (cur.length ? 1 : 0);
        if (cur.length && used + cost > room) {
          // Full: end at the last paragraph end past half-way rather than mid-paragraph.
          let k = cur.length - 1;
          while (k > 0 && !cur[k].endsParagraph) k--;
          const kept = cur.slice(0, k + 1);
          if (k < cur.length - 1 && cur[k].endsParagraph && kept.reduce((s, x) => s + x.tokens, 0) >= minFill) {
            i -= cur.length - kept.length;
            cur.length = kept.length;
          }
          break;
        }
        cur.push(u);
        used += cost;
        i++;
        if (used + overlapCost >= minFill && isAnchor(u)) break;
      }

      // Measure the real text; the per-unit sums above are an estimate.
      let body = joinUnits(cur);
      let content = overlap ? overlap + cur[0].joiner + body : body;
      let text = prefix + content;
      let tokens = countTokens(text);
      while (tokens > maxTokens) {
        if (overlap) {
          overlap = '';
        } else if (cur.length > 1) {
          cur.pop();
          i--;
        } else {
          // A single unit still over: cut it down exactly.
          const [head, ...rest] = hardSplit(cur[0].text, Math.max(8, Math.min(budget - 4, cur[0].tokens - 8)));
          queue.splice(i - 1, 1, unit(head, cur[0].joiner, false), ...rest.map((r, n) => unit(r, ' ', n === rest.length - 1 && cur[0].endsParagraph)));
          cur[0] = queue[i - 1];
        }
        body = joinUnits(cur);
        content = overlap ? overlap + cur[0].joiner + body : body;
        text = prefix + content;
        tokens = countTokens(text);
      }

      chunks.push({ index: chunks.length, text, content, headingPath: section.path, tokenCount: tokens, hash: sha256(text) });
      overlap = i < queue.length ? tailOverlap(body, Math.min(overlapTokens, Math.floor(countTokens(body) / 2))) : '';
    }
  }
  return chunks;
}
