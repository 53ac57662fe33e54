/**
 * Slow reference matchers, written from the Sigma spec and not from the engine's code: a dynamic
 * program over (pattern position, subject position), O(m·n), obviously correct and never
 * exponential. The fuzzer compares the engine's matchers against them.
 */

type Token = { kind: 'lit'; ch: string } | { kind: 'star' } | { kind: 'one' };

/**
 * A Sigma value into tokens: `*` any run, `?` one character; `\*`, `\?` and `\\` escape; a `\`
 * before anything else (or at the end) is a literal backslash.
 */
export function sigmaTokens(value: string): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\') {
      const n = value[i + 1];
      if (n === '*' || n === '?' || n === '\\') {
        out.push({ kind: 'lit', ch: n });
        i++;
      } else out.push({ kind: 'lit', ch: '\\' });
    } else if (c === '*') out.push({ kind: 'star' });
    else if (c === '?') out.push({ kind: 'one' });
    else out.push({ kind: 'lit', ch: c });
  }
  return out;
}

function tokensMatch(
  tokens: readonly Token[],
  subject: readonly string[],
  eq: (a: string, b: string) => boolean,
): boolean {
  // can[j]: tokens[0..i) match subject[0..j)
  let can = new Array<boolean>(subject.length + 1).fill(false);
  can[0] = true;
  for (const t of tokens) {
    const next = new Array<boolean>(subject.length + 1).fill(false);
    if (t.kind === 'star') {
      let any = false;
      for (let j = 0; j <= subject.length; j++) {
        any ||= can[j]!;
        next[j] = any;
      }
    } else {
      for (let j = 1; j <= subject.length; j++) {
        if (can[j - 1] && (t.kind === 'one' || eq(t.ch, subject[j - 1]!))) next[j] = true;
      }
    }
    can = next;
  }
  return can[subject.length]!;
}

/** Sigma's case-insensitive whole-value match of `value` (with wildcards) against `subject`. */
export function sigmaMatch(value: string, subject: string): boolean {
  // Code points, so `?` is one character even outside the BMP.
  return tokensMatch(sigmaTokens(value), Array.from(subject), (a, b) => a === b || a.toLowerCase() === b.toLowerCase());
}

/** `x of pattern`: `*` any run of characters, everything else literal and case-sensitive. */
export function namePatternMatch(pattern: string, name: string): boolean {
  const tokens: Token[] = Array.from(pattern, (c) => (c === '*' ? { kind: 'star' } : { kind: 'lit', ch: c }));
  return tokensMatch(tokens, Array.from(name), (a, b) => a === b);
}
