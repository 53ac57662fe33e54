/**
 * Literals a regex cannot match without: `necessaryLiterals('\\b(curl|wget)\\s')` is `['curl', 'wget']`,
 * since every string the pattern finds contains one of them. The engine's prefilter index then
 * runs a `|re` rule only on events whose field contains one (lower-cased, as the index compares),
 * instead of on every event of its type. Conservative: anything the walk does not understand ends
 * a literal run or gives up, so a literal is reported only when it is truly required.
 */

/** Shortest literal worth indexing: a one-character "literal" would send nearly every event on. */
const MIN_LITERAL = 2;
/** A counted repetition, `{n}`, `{n,}` or `{n,m}` (RE2 reads any other `{` as a literal). */
const COUNTED = /^\{(\d+)(,\d*)?\}/;

/** The best necessary set of a sub-pattern: alternatives, one of which every match contains; null: none. */
type Need = string[] | null;

/**
 * Lower-cased ASCII literals one of which every match of RE2 pattern `src` contains, or undefined
 * when none can be named (or the pattern is not understood). `src` must already have compiled.
 *
 * Case-insensitive patterns (`caseInsensitive`, or an `i` among inline flags anywhere): RE2 folds
 * 's' with U+017F (long s), which `toLowerCase` leaves as it is, so an 's' ends a literal there;
 * every other ASCII letter folds only with characters that `toLowerCase` maps onto it.
 */
export function necessaryLiterals(src: string, caseInsensitive = false): string[] | undefined {
  const p = new Walk(src, caseInsensitive || /\(\?[imsU-]*i/.test(src));
  const need = p.alternation();
  if (p.failed || p.at !== src.length || need === null) return undefined;
  return need;
}

/** The better of two sets: the one whose shortest literal is longest (fewer events pass it). */
function better(a: Need, b: Need): Need {
  if (a === null) return b;
  if (b === null) return a;
  return shortest(b) > shortest(a) ? b : a;
}

function shortest(n: string[]): number {
  let m = Infinity;
  for (const s of n) m = Math.min(m, s.length);
  return m;
}

function isAsciiLiteral(c: string): boolean {
  const k = c.charCodeAt(0);
  return k >= 0x20 && k < 0x7f;
}

class Walk {
  at = 0;
  failed = false;
  constructor(
    private readonly s: string,
    private readonly folded: boolean,
  ) {}

  /** branch ('|' branch)*: every branch must name a set, and the need is their union. */
  alternation(): Need {
    let union: string[] | null = [];
    for (;;) {
      const b = this.sequence();
      if (b === null) union = null;
      else if (union !== null) union.push(...b);
      if (this.s[this.at] !== '|') break;
      this.at++;
    }
    return union !== null && union.length > 0 ? [...new Set(union)] : null;
  }

  /** Atoms up to '|' or ')': runs of required literal characters, and required groups' sets. */
  private sequence(): Need {
    let best: Need = null;
    let run = '';
    const endRun = (): void => {
      if (run.length >= MIN_LITERAL) best = better(best, [run.toLowerCase()]);
      run = '';
    };
    while (!this.failed && this.at < this.s.length) {
      const c = this.s[this.at]!;
      if (c === '|' || c === ')') break;
      let lit: string | undefined;
      let group: Need = null;
      if (c === '(') group = this.group();
      else if (c === '[') this.skipClass();
      else if (c === '\\') lit = this.escape();
      else if (c === '.' || c === '^' || c === '$') this.at++;
      else if (c === '*' || c === '+' || c === '?' || (c === '{' && this.quantifierAt(this.at))) {
        this.failed = true; // a quantifier with nothing before it: not a pattern we understand
        break;
      } else {
        this.at++;
        if (isAsciiLiteral(c)) lit = c;
      }
      if (this.folded && (lit === 's' || lit === 'S')) lit = undefined;
      const q = this.quantifier();
      if (lit !== undefined && q !== 'optional') {
        run += lit;
        // A repeated character is there at least once, but what follows may not be next to it.
        if (q === 'repeated') endRun();
      } else {
        endRun();
        if (q !== 'optional') best = better(best, group);
      }
    }
    endRun();
    return best;
  }

  /** '(' … ')': its own alternation's need (flags-only groups like `(?i)` need nothing). */
  private group(): Need {
    const s = this.s;
    this.at++;
    if (s[this.at] === '?') {
      const m = /^\?(?:P?<[A-Za-z_][A-Za-z0-9_]*>|[imsU-]*:|[imsU-]*\))/.exec(s.slice(this.at));
      if (m === null) {
        this.failed = true;
        return null;
      }
      this.at += m[0].length;
      if (m[0].endsWith(')')) return null; // `(?i)`: flags for the rest, matches nothing itself
    }
    const need = this.alternation();
    if (s[this.at] !== ')') {
      this.failed = true;
      return null;
    }
    this.at++;
    return need;
  }

  /** After an atom: how often it must occur. */
  private quantifier(): 'once' | 'optional' | 'repeated' {
    const s = this.s;
    const c = s[this.at];
    let kind: 'once' | 'optional' | 'repeated' = 'once';
    if (c === '*' || c === '?') {
      this.at++;
      kind = 'optional';
    } else if (c === '+') {
      this.at++;
      kind = 'repeated';
    } else if (c === '{' && this.quantifierAt(this.at)) {
      const m = COUNTED.exec(s.slice(this.at))!;
      this.at += m[0].length;
      const min = Number(m[1]);
      kind = min === 0 ? 'optional' : min === 1 && m[2] === undefined ? 'once' : 'repeated';
    } else return kind;
    if (s[this.at] === '?') this.at++; // lazy
    if (s[this.at] === '*' || s[this.at] === '+' || s[this.at] === '?') this.failed = true;
    return kind;
  }

  private quantifierAt(i: number): boolean {
    return COUNTED.test(this.s.slice(i, i + 24));
  }

  /** '\\' x: the literal character it stands for, or undefined for a class, anchor or code point. */
  private escape(): string | undefined {
    const s = this.s;
    const c = s[this.at + 1];
    if (c === undefined) {
      this.failed = true;
      return undefined;
    }
    this.at += 2;
    if (/[A-Za-z0-9]/.test(c)) {
      if (c === 'p' || c === 'P' || c === 'x') {
        // \p{Greek} / \pL, \x{263a} / \x41: a braced argument, else one letter or two hex digits.
        if (s[this.at] === '{') {
          const end = s.indexOf('}', this.at);
          if (end < 0) this.failed = true;
          else this.at = end + 1;
        } else this.at += c === 'x' ? 2 : 1;
      } else if (c === 'Q') {
        const end = s.indexOf('\\E', this.at);
        this.at = end < 0 ? s.length : end + 2;
      }
      // \b \B \A \z, \d \s \w …, \n \t …, octal: not a literal character here.
      return undefined;
    }
    return isAsciiLiteral(c) ? c : undefined;
  }

  /** '[' … ']' (a leading ']' or '^]' is a member; '\\' escapes; `[:alpha:]` inside). */
  private skipClass(): void {
    const s = this.s;
    let i = this.at + 1;
    if (s[i] === '^') i++;
    if (s[i] === ']') i++;
    while (i < s.length && s[i] !== ']') {
      if (s[i] === '\\') i += 2;
      else if (s[i] === '[' && s[i + 1] === ':') {
        const end = s.indexOf(':]', i + 2);
        i = end < 0 ? s.length : end + 2;
      } else i++;
    }
    if (i >= s.length) this.failed = true;
    this.at = i + 1;
  }
}
