// Text length as people count it: pure, so schemas that bound a message's length can use it without the settings store.

/**
 * A message's length as people count it: Unicode code points, so an emoji is one character, not the two
 * UTF-16 units of String#length. (Not graphemes: one grapheme can carry any number of combining marks, and
 * the limit exists to bound what is sent to the model.)
 */
export function characterCount(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // A high surrogate followed by a low one is one code point.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}
