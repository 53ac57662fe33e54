/**
 * Static checks of `|re` values. Nightjar itself runs regexes on a linear-time engine, so nothing
 * here can hang it; these checks protect the rule's other consumers (SIEM backends the same Sigma
 * rule is converted for) and catch patterns Nightjar will refuse.
 */
import { RuleError, compileRegex } from '@nightjar/rules';

export interface RegexProblem {
  readonly check: 'nj/regex-invalid' | 'nj/regex-unsupported' | 'nj/regex-backtracking';
  readonly message: string;
}

function skipClass(src: string, i: number): number {
  let j = i + 1;
  if (src[j] === '^') j++;
  if (src[j] === ']') j++;
  for (; j < src.length; j++) {
    if (src[j] === '\\') j++;
    else if (src[j] === ']') return j;
  }
  return src.length;
}

interface Frame {
  start: number;
  innerUnbounded: boolean;
  branches: number[];
}

/** Reads a quantifier at i: returns [length, unbounded] or undefined. */
function quantAt(src: string, i: number): [number, boolean] | undefined {
  const ch = src[i];
  if (ch === '*' || ch === '+') return [src[i + 1] === '?' ? 2 : 1, true];
  if (ch === '?') return [src[i + 1] === '?' ? 2 : 1, false];
  if (ch === '{') {
    const m = /^\{(\d+)(,(\d*))?\}\??/.exec(src.slice(i));
    if (!m) return undefined;
    const unbounded = m[2] !== undefined && (m[3] === '' || Number(m[3]) > 10);
    return [m[0].length, unbounded];
  }
  return undefined;
}

/** Nested unbounded quantifiers, or a quantified alternation whose branches overlap. */
function backtrackingRisk(src: string): string | undefined {
  const stack: Frame[] = [{ start: -1, innerUnbounded: false, branches: [] }];
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    const top = stack[stack.length - 1]!;
    if (ch === '\\') {
      i++;
      const q = quantAt(src, i + 1);
      if (q) {
        if (q[1]) top.innerUnbounded = true;
        i += q[0];
      }
      continue;
    }
    if (ch === '[') {
      i = skipClass(src, i);
      const q = quantAt(src, i + 1);
      if (q) {
        if (q[1]) top.innerUnbounded = true;
        i += q[0];
      }
      continue;
    }
    if (ch === '(') {
      stack.push({ start: i, innerUnbounded: false, branches: [] });
      continue;
    }
    if (ch === '|') {
      top.branches.push(i);
      continue;
    }
    if (ch === ')' && stack.length > 1) {
      const f = stack.pop()!;
      const parent = stack[stack.length - 1]!;
      const q = quantAt(src, i + 1);
      const group = src.slice(f.start, i + 1);
      if (q && q[1]) {
        if (f.innerUnbounded) return `nested quantifiers in '${group}${src.slice(i + 1, i + 1 + q[0])}'`;
        // Overlapping alternatives under a repeat: (a|ab)*, (x|x)+.
        let body = src.slice(f.start + 1, i);
        const m = /^\?(:|<[A-Za-z_]\w*>|P<[A-Za-z_]\w*>)/.exec(body);
        const skip = m ? m[0].length : 0;
        body = body.slice(skip);
        const cuts = f.branches.map((b) => b - (f.start + 1) - skip);
        if (cuts.length) {
          const alts: string[] = [];
          let prev = 0;
          for (const c of cuts) {
            alts.push(body.slice(prev, c));
            prev = c + 1;
          }
          alts.push(body.slice(prev));
          for (let a = 0; a < alts.length; a++)
            for (let b = 0; b < alts.length; b++)
              if (a !== b && alts[a]!.length > 0 && alts[b]!.startsWith(alts[a]!) && !/[\\[(.]/.test(alts[a]!))
                return `overlapping alternatives '${alts[a]}' and '${alts[b]}' under a repeat in '${group}${src.slice(i + 1, i + 1 + q[0])}'`;
        }
      }
      parent.innerUnbounded ||= f.innerUnbounded || (q?.[1] ?? false);
      if (q) i += q[0];
      continue;
    }
    const q = quantAt(src, i + 1);
    if (q && ch !== '|' && ch !== '(') {
      if (q[1]) top.innerUnbounded = true;
      i += q[0];
    }
  }
  return undefined;
}

/** Problems of one regex value; `mods` are the item's modifiers (for the i/m/s flags). */
export function regexProblems(src: string, mods: readonly string[]): RegexProblem[] {
  // Whether Nightjar accepts it is the compiler's answer, from the compiler's code.
  const flags = {
    i: mods.includes('i') || mods.includes('ignorecase'),
    m: mods.includes('m') || mods.includes('multiline'),
    s: mods.includes('s') || mods.includes('dotall'),
  };
  try {
    compileRegex(src, flags, []);
  } catch (err) {
    if (!(err instanceof RuleError)) throw err;
    return [
      {
        check: err.code === 'NJ_REGEX_UNSUPPORTED' ? 'nj/regex-unsupported' : 'nj/regex-invalid',
        message: err.message,
      },
    ];
  }
  const risk = backtrackingRisk(src.replace(/^\(\?[imsU]+\)/, '').replace(/\(\?P</g, '(?<'));
  return risk
    ? [
        {
          check: 'nj/regex-backtracking',
          message: `regex /${src}/ can backtrack catastrophically on backtracking engines: ${risk}`,
        },
      ]
    : [];
}
