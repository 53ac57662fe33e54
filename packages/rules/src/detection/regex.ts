import { RE2JS } from 're2js';
import { RuleError } from '../errors.js';

/**
 * Rule regexes run on re2js (RE2 semantics, linear time). Anything that needs a backtracking engine
 * is rejected up front with NJ_REGEX_UNSUPPORTED, so a hostile rule cannot hang the engine and the
 * author learns which construct is the problem instead of a generic syntax error.
 */

export interface RegexFlags {
  i: boolean;
  m: boolean;
  s: boolean;
}

/** A compiled, linear-time regex: `test` searches anywhere in the input (Sigma `re` is a search). */
export interface LinearRegex {
  test(input: string): boolean;
  readonly source: string;
  readonly flags: string;
}

const BACKTRACKING: ReadonlyArray<readonly [RegExp, string]> = [
  [/^\\[1-9]/, 'backreference'],
  [/^\\k</, 'named backreference'],
  [/^\(\?=/, 'lookahead'],
  [/^\(\?!/, 'negative lookahead'],
  [/^\(\?<=/, 'lookbehind'],
  [/^\(\?<!/, 'negative lookbehind'],
  [/^\(\?>/, 'atomic group'],
  [/^\(\?\(/, 'conditional group'],
  [/^\(\?(R|[0-9]+|&)/, 'recursion'],
  [/^\\G/, '\\G anchor'],
  [/^[*+?}][+]/, 'possessive quantifier'],
];

/** The first construct in `source` that only a backtracking engine supports, or null. */
export function findBacktrackingConstruct(source: string): string | null {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (inClass) {
      if (c === '\\') i++;
      else if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      // A `]` right after `[` or `[^` is literal.
      if (source[i + 1] === '^') i++;
      if (source[i + 1] === ']') i++;
      continue;
    }
    const rest = source.slice(i, i + 4);
    for (const [re, what] of BACKTRACKING) if (re.test(rest)) return what;
    if (c === '\\') i++;
  }
  return null;
}

function flagBits(f: RegexFlags): number {
  return (f.i ? RE2JS.CASE_INSENSITIVE : 0) | (f.m ? RE2JS.MULTILINE : 0) | (f.s ? RE2JS.DOTALL : 0);
}

/** Compile a rule regex or throw RuleError(NJ_REGEX_UNSUPPORTED | NJ_BAD_REGEX) at `path`. */
export function compileRegex(source: string, flags: RegexFlags, path: readonly (string | number)[]): LinearRegex {
  const construct = findBacktrackingConstruct(source);
  if (construct) {
    throw new RuleError(
      'NJ_REGEX_UNSUPPORTED',
      `regex /${source}/ uses a ${construct}, which needs a backtracking engine; Nightjar runs regexes in linear time (RE2 syntax) and rejects it`,
      path,
    );
  }
  let re: RE2JS;
  try {
    re = RE2JS.compile(source, flagBits(flags));
  } catch (e) {
    throw new RuleError('NJ_BAD_REGEX', `invalid regex /${source}/: ${(e as Error).message}`, path);
  }
  const letters = `${flags.i ? 'i' : ''}${flags.m ? 'm' : ''}${flags.s ? 's' : ''}`;
  return { test: (input: string) => re.test(input), source, flags: letters };
}

/** Escape a literal for RE2 syntax. */
export function quoteRegex(s: string): string {
  return s.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}
