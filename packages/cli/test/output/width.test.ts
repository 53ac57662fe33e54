import { describe, expect, it } from 'vitest';
import stringWidth from 'string-width';
import { palette, truncate, truncatePath } from '../../src/output/color.js';
import { renderColumns } from '../../src/output/table.js';

describe('columns and truncation by display width', () => {
  it('a CJK cell does not shift the columns after it', () => {
    const out = renderColumns([
      ['/Users/bob/書類/報告.pdf', '12'],
      ['/Users/bob/a.txt', '3'],
    ]).split('\n');
    // The second column starts at the same display column on both lines.
    const col = (line: string) => stringWidth(line.slice(0, line.lastIndexOf(' ') + 1));
    expect(col(out[0])).toBe(col(out[1]));
    expect(out[0]).not.toBe(out[0].padEnd(out[1].length)); // UTF-16 padding would differ
  });
  it('styling does not count: a bold header lines up with plain rows', () => {
    const pal = palette(true);
    const out = renderColumns([['abc', 'x']], ['ID', 'TITLE'], (s) => pal.bold(s)).split('\n');
    expect(out[0]).toContain('\x1b[1m');
    expect(stringWidth(out[0])).toBe(stringWidth('ID   TITLE'));
    expect(out[1]).toBe('abc  x');
  });
  it('truncate and truncatePath keep within the width for wide characters', () => {
    const long = '/Users/bob/ダウンロード/とても長いファイル名のドキュメント.app/Contents/MacOS/実行';
    for (const max of [10, 20, 31]) {
      expect(stringWidth(truncatePath(long, max))).toBeLessThanOrEqual(max);
      expect(stringWidth(truncate(long, max))).toBeLessThanOrEqual(max);
    }
    expect(truncatePath(long, 20).endsWith('実行')).toBe(true);
    expect(truncate('short', 10)).toBe('short');
  });
});
