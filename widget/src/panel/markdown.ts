// Safe Markdown → Preact VNodes. Deliberately tiny: paragraphs, line breaks, headings (as bold lines),
// **bold**, *italic*, `code`, fenced code, bullet/numbered lists, [links](url), <autolinks>, bare URLs.
//
// There is no HTML anywhere: every piece of text becomes a text node, so `<img onerror=…>` or
// `<script>` coming from the model or from trained content shows up as literal text.
// Links are kept only for http(s) and mailto (javascript:, data:, … render their text only), always
// open in a new tab with rel="noopener noreferrer", and images are never loaded (shown as links).
// Why not marked/snarkdown/markdown-it: they emit HTML strings (which would then need innerHTML plus a
// sanitizer such as DOMPurify) and cost 3–15 KB gzip, more than this whole panel's budget allows.
import { h, type ComponentChildren, type VNode } from 'preact';

/** Absolute http(s)/mailto URL, or null. Relative links resolve against `base` (default: the host page). */
export function safeUrl(url: unknown, base = location.href): string | null {
  if (typeof url != 'string' || !url) return null;
  try {
    const u = new URL(url.trim(), base);
    return /^(https?|mailto):$/.test(u.protocol) ? u.href : null;
  } catch {
    return null;
  }
}

export function link(href: string, children: ComponentChildren): VNode<any> {
  return h('a', { href, target: '_blank', rel: 'noopener noreferrer' }, children);
}

// Alternatives, in order: escape | code span | **bold** / __bold__ | *italic* / _italic_ |
// [text](url) / ![alt](url) | <https://…> | bare http(s) URL
const INLINE = new RegExp(
  [
    /\\([\\`*_[\]()#+\-.!<>~|])/,
    /(`+)([^`]|[^`][\s\S]*?[^`])\2(?!`)/,
    /\*\*(\S(?:[\s\S]*?\S)?)\*\*|__(\S(?:[\s\S]*?\S)?)__(?!\w)/,
    /\*(\S(?:[\s\S]*?[^\s*])?)\*(?!\*)|_(\S(?:[\s\S]*?\S)?)_(?!\w)/,
    /!?\[((?:[^\]\\]|\\.)*)\]\(\s*<?((?:[^\s()<>]|\([^\s()<>]*\))*)>?(?:\s+["'][^"']*["'])?\s*\)/,
    /<((?:https?:\/\/|mailto:)[^\s>]+)>/,
    /(https?:\/\/[^\s<>"]*[^\s<>"'.,:;!?)\]*_~])/,
  ]
    .map((r) => r.source)
    .join('|'),
  'g',
);

export function inline(src: string, links = true): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  let last = 0;
  let m: RegExpExecArray | null;
  INLINE.lastIndex = 0;
  while ((m = INLINE.exec(src))) {
    const at = m.index;
    const [all, esc, , code, b1, b2, i1, i2, text, href, auto, bare] = m;
    let node: ComponentChildren;
    const rest = INLINE.lastIndex;
    // _italic_ only at a word start: snake_case_names stay as they are (no regex lookbehind: Safari < 16.4)
    if ((i2 || b2) && /\w/.test(src[at - 1] || '')) {
      INLINE.lastIndex = at + 1;
      continue;
    }
    if (esc) node = esc;
    else if (code) node = h('code', null, code.replace(/^ (.+) $/, '$1'));
    else if (b1 || b2) node = h('strong', null, inline(b1 || b2, links));
    else if (i1 || i2) node = h('em', null, inline(i1 || i2, links));
    else if (text != null) {
      const url = safeUrl(href);
      const label = inline(text || href, false);
      node = links && url ? link(url, label) : label;
    } else {
      const u = auto || bare;
      const url = safeUrl(u);
      node = links && url ? link(url, u) : u;
    }
    if (at > last) out.push(src.slice(last, at));
    out.push(node);
    last = at + all.length;
    INLINE.lastIndex = rest; // recursion above reuses the same regex
  }
  if (last < src.length) out.push(src.slice(last));
  return out;
}

/** Lines of one paragraph, joined by <br>. */
function lines(ls: string[]): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  ls.forEach((l, i) => {
    if (i) out.push(h('br', null));
    out.push(...inline(l.trim()));
  });
  return out;
}

const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
const LIST = /^\s*([-*+•]|(\d{1,9})[.)])\s+(.*)$/;
const HEADING = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/;
const RULE = /^\s{0,3}([-*_])(\s*\1){2,}\s*$/;

export function markdown(src: string): VNode<any>[] {
  const ls = src.replace(/\r\n?/g, '\n').split('\n');
  const out: VNode<any>[] = [];
  let para: string[] = [];
  const flush = () => {
    if (para.length) out.push(h('p', null, lines(para)));
    para = [];
  };
  for (let i = 0; i < ls.length; ) {
    const l = ls[i];
    let m: RegExpExecArray | null;
    if ((m = FENCE.exec(l))) {
      flush();
      const code: string[] = [];
      while (++i < ls.length && !ls[i].trim().startsWith(m[1])) code.push(ls[i]);
      i++;
      out.push(h('pre', null, h('code', null, code.join('\n'))));
    } else if (!l.trim()) {
      flush();
      i++;
    } else if (RULE.test(l)) {
      flush();
      out.push(h('hr', null));
      i++;
    } else if ((m = HEADING.exec(l))) {
      flush();
      out.push(h('p', null, h('strong', null, inline(m[1]))));
      i++;
    } else if ((m = LIST.exec(l))) {
      flush();
      const ordered = !!m[2];
      const start = ordered ? +m[2] : 1;
      const items: string[][] = [];
      while (i < ls.length && (m = LIST.exec(ls[i])) && !!m[2] == ordered) {
        items.push([m[3]]);
        // continuation lines: indented, not a new item
        while (++i < ls.length && /^\s{2,}\S/.test(ls[i]) && !LIST.test(ls[i])) items[items.length - 1].push(ls[i]);
      }
      out.push(
        h(
          ordered ? 'ol' : 'ul',
          start != 1 ? { start } : null,
          items.map((it) => h('li', null, lines(it))),
        ),
      );
    } else {
      para.push(l);
      i++;
    }
  }
  flush();
  return out;
}
