import { describe, expect, it } from 'vitest';
import { QMARK, STAR, normalize, parseSigmaString, render, wrap } from '../../src/detection/sigma-string.js';

// Vectors from pySigma tests/test_types.py (SigmaString parsing), as parts.
describe('parseSigmaString matches pySigma SigmaString', () => {
  it('wildcards', () => {
    expect(parseSigmaString('wild*cards?contained')).toEqual(['wild', STAR, 'cards', QMARK, 'contained']);
  });
  it('test_strings_escaping: escaped\\*\\?\\\\*?', () => {
    expect(normalize(parseSigmaString('escaped\\*\\?\\\\*?'))).toEqual(['escaped*?\\', STAR, QMARK]);
  });
  it('test_strings_escaping_nonspecial', () => {
    expect(parseSigmaString('escaped\\nonspecial')).toEqual(['escaped\\nonspecial']);
  });
  it('test_strings_escaping_end', () => {
    expect(parseSigmaString('finalescape\\')).toEqual(['finalescape\\']);
  });
  it('test_strings_not_equal: test\\*string is not test*string', () => {
    expect(parseSigmaString('test\\*string')).not.toEqual(parseSigmaString('test*string'));
  });
  it('test_string_placeholders_multi (with expand)', () => {
    expect(parseSigmaString('%start%te*st1%middle%te?st2%end%', true)).toEqual([
      { ph: 'start' },
      'te',
      STAR,
      'st1',
      { ph: 'middle' },
      'te',
      QMARK,
      'st2',
      { ph: 'end' },
    ]);
  });
  it('placeholders are plain text without expand', () => {
    expect(parseSigmaString('test1%var%test2')).toEqual(['test1%var%test2']);
  });
  it('wrap adds * only where missing; render shows the value', () => {
    expect(render(wrap(parseSigmaString('*a'), true, true))).toBe('*a*');
    expect(render(wrap(parseSigmaString('?a'), true, false))).toBe('*?a');
  });
});
