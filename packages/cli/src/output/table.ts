/**
 * Column layout by display width (string-width: East Asian wide characters count 2, ANSI styling and
 * zero-width marks 0), so a CJK path or a coloured cell does not shift the columns after it.
 */
import stringWidth from 'string-width';

export { stringWidth };

/** `s` followed by spaces up to `width` display columns. */
export function padEndWidth(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - stringWidth(s)));
}

/** Spaces then `s`, up to `width` display columns (numbers). */
export function padStartWidth(s: string, width: number): string {
  return ' '.repeat(Math.max(0, width - stringWidth(s))) + s;
}

/**
 * Rows as aligned columns separated by two spaces; the last column is not padded. `header`, when
 * given, is styled with `head` (e.g. bold) after padding.
 */
export function renderColumns(
  rows: readonly (readonly string[])[],
  header?: readonly string[],
  head: (s: string) => string = (s) => s,
): string {
  const all = header ? [header, ...rows] : rows;
  const widths: number[] = [];
  for (const r of all) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, stringWidth(c))));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : padEndWidth(c, widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = rows.map(line);
  if (header) out.unshift(head(line(header)));
  return out.length > 0 ? `${out.join('\n')}\n` : '';
}
