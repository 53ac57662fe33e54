import { describe, expect, it } from 'vitest';
import { NightjarError } from '@nightjar/core';

describe('core package', () => {
  it('exposes typed errors with stable codes', () => {
    const err = new NightjarError('NJ_TEST', 'boom');
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe('NJ_TEST');
    expect(err.name).toBe('NightjarError');
  });
});
