import { describe, expect, it } from 'vitest';
import { bytesToLines, decodeFrame, encodeFrame, linesToBytes } from '../src/frame.js';

describe('frames: lines to bytes and back, one line at a time', () => {
  const lines = [
    '{"event_type":11,"path":"/Users/zoë/Desktop/résumé.pdf"}',
    '',
    '{"emoji":"🦉","cjk":"夜鷹","nul":"\\u0000"}',
    'x'.repeat(200_000), // a line longer than the reused buffer's first size
    '',
  ];

  it('gives the bytes of the joined text, and the lines of the split text', () => {
    const bytes = linesToBytes(lines);
    expect(Buffer.compare(bytes, Buffer.from(lines.join('\n'), 'utf8'))).toBe(0);
    expect(bytesToLines(Buffer.from(bytes))).toEqual(lines);
    expect(bytesToLines(Buffer.alloc(0))).toEqual([]);
    // Beyond what the reused buffer grows to (1 MiB): a buffer of its own, the same bytes.
    const huge = ['é'.repeat(700_000), 'tail'];
    expect(Buffer.compare(linesToBytes(huge), Buffer.from(huge.join('\n'), 'utf8'))).toBe(0);
    expect(bytesToLines(Buffer.from(linesToBytes(lines)))).toEqual(lines);
  });

  it('decodes any bytes, invalid UTF-8 included, exactly as decoding the whole and splitting it', () => {
    let x = 7;
    const rnd = (): number => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24;
    for (let k = 0; k < 200; k++) {
      // Bytes with many newlines, continuation bytes and truncated sequences around them.
      const b = Buffer.from(
        Array.from({ length: 1 + (rnd() % 64) }, () => [10, 0xc3, 0xa9, 0xf0, 0x9f, 0x80, 65][rnd() % 7]),
      );
      expect(bytesToLines(b)).toEqual(b.toString('utf8').split('\n'));
    }
  });

  it('an events frame round-trips through deflate with its lines intact', () => {
    const { data, headers } = encodeFrame({ kind: 'events', session: 's1', first: 10, last: 14, lines, count: 0 });
    const f = decodeFrame(data, headers, 'test');
    expect(f.lines).toEqual(lines);
    expect([f.kind, f.session, f.first, f.last, f.count]).toEqual(['events', 's1', 10, 14, lines.length]);
  });
});
