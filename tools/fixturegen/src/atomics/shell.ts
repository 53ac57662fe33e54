/**
 * A small POSIX-shell reader for the atomics: enough of sh/bash to find every program a script
 * runs, with its arguments and redirections — lists (`;`, newline, `&`), `&&`/`||`, pipelines,
 * subshells `( )`, groups `{ }`, `if`/`for`/`while`, command substitution `$( )` and backticks,
 * variables, quoting, comments and brace expansion. It builds a syntax tree; `interp.ts` runs it.
 */

export type Word = string; // raw text, quotes kept; expanded at run time

export interface Redir {
  readonly fd: number;
  readonly op: '>' | '>>' | '<' | '>&' | '&>';
  readonly target: Word;
}

export type Node =
  | { kind: 'simple'; assigns: Word[]; words: Word[]; redirs: Redir[] }
  | { kind: 'pipeline'; cmds: Node[] }
  | { kind: 'andor'; first: Node; rest: Array<{ op: '&&' | '||'; node: Node }> }
  | { kind: 'list'; items: Array<{ node: Node; background: boolean }> }
  | { kind: 'subshell'; body: Node; redirs: Redir[] }
  | { kind: 'group'; body: Node; redirs: Redir[] }
  | { kind: 'if'; branches: Array<{ cond: Node; body: Node }>; otherwise: Node | null }
  | { kind: 'for'; name: string; items: Word[]; body: Node }
  | { kind: 'while'; cond: Node; body: Node };

type Tok = { t: 'word'; v: string } | { t: 'op'; v: string };

export class ShellSyntaxError extends Error {
  readonly code = 'SHELL_SYNTAX';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at offset ${offset}`);
  }
}

const OPS = ['&&', '||', ';;', '>>', '>&', '&>', '2>&1', ';', '|', '&', '(', ')', '\n', '<', '>'];

/** Index just past the `)` closing a `$(` whose body starts at `i`. */
function skipParens(s: string, i: number): number {
  let depth = 1;
  while (i < s.length && depth > 0) {
    const c = s[i]!;
    if (c === "'") i = s.indexOf("'", i + 1);
    else if (c === '"') i = skipDouble(s, i + 1) - 1;
    else if (c === '\\') i++;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    if (i < 0) throw new ShellSyntaxError('unterminated quote', s.length);
    i++;
  }
  return i;
}

/** Index just past the `"` closing a double-quoted string whose body starts at `i`. */
function skipDouble(s: string, i: number): number {
  while (i < s.length && s[i] !== '"') {
    if (s[i] === '\\') i += 2;
    else if (s.startsWith('$(', i)) i = skipParens(s, i + 2);
    else if (s[i] === '`') i = s.indexOf('`', i + 1) + 1;
    else i++;
  }
  if (i >= s.length) throw new ShellSyntaxError('unterminated double quote', i);
  return i + 1;
}

export function tokenize(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '\\' && s[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (c === '#') {
      while (i < s.length && s[i] !== '\n') i++;
      continue;
    }
    // An fd number glued to a redirection (2>, 2>>, 1>&2) is part of the operator.
    const fdm = /^([0-9])(>>|>&|>|<)/.exec(s.slice(i, i + 4));
    if (fdm && (i === 0 || /\s/.test(s[i - 1]!))) {
      out.push({ t: 'op', v: fdm[0] });
      i += fdm[0].length;
      continue;
    }
    if (c === '*' && s[i + 1] === '>') {
      // PowerShell-ism some atomics carry (`*>>`): sh reads it as a glob word then `>>`.
      out.push({ t: 'word', v: '*' });
      i++;
      continue;
    }
    const op = OPS.find((o) => s.startsWith(o, i));
    if (op && !(c === '(' && out.length && out[out.length - 1]!.t === 'word' && false)) {
      out.push({ t: 'op', v: op });
      i += op.length;
      continue;
    }
    let j = i;
    while (j < s.length) {
      const d = s[j]!;
      if (/[\s;|&()<>]/.test(d)) break;
      if (d === '\\') j += 2;
      else if (d === "'") {
        const k = s.indexOf("'", j + 1);
        if (k < 0) throw new ShellSyntaxError('unterminated single quote', j);
        j = k + 1;
      } else if (d === '"') j = skipDouble(s, j + 1);
      else if (s.startsWith('$(', j)) j = skipParens(s, j + 2);
      else if (d === '`') {
        const k = s.indexOf('`', j + 1);
        if (k < 0) throw new ShellSyntaxError('unterminated backquote', j);
        j = k + 1;
      } else j++;
    }
    out.push({ t: 'word', v: s.slice(i, j) });
    i = j;
  }
  return out;
}

const RESERVED = new Set(['then', 'elif', 'else', 'fi', 'do', 'done', '}']);

export function parse(src: string): Node {
  const toks = tokenize(src);
  let p = 0;
  const peek = (): Tok | undefined => toks[p];
  const isOp = (v: string): boolean => peek()?.t === 'op' && peek()!.v === v;
  const isWord = (v: string): boolean => peek()?.t === 'word' && peek()!.v === v;
  const skipNl = (): void => {
    while (isOp('\n') || isOp(';')) p++;
  };
  const expectWord = (v: string): void => {
    skipNl();
    if (!isWord(v)) throw new ShellSyntaxError(`expected ${v}, found ${peek()?.v ?? 'end'}`, p);
    p++;
  };

  function list(stop: (t: Tok | undefined) => boolean): Node {
    const items: Array<{ node: Node; background: boolean }> = [];
    for (;;) {
      while (isOp('\n') || isOp(';')) p++;
      if (p >= toks.length || stop(peek())) break;
      const node = andOr();
      let background = false;
      if (isOp('&')) {
        background = true;
        p++;
      }
      items.push({ node, background });
    }
    return { kind: 'list', items };
  }
  function andOr(): Node {
    const first = pipeline();
    const rest: Array<{ op: '&&' | '||'; node: Node }> = [];
    while (isOp('&&') || isOp('||')) {
      const op = peek()!.v as '&&' | '||';
      p++;
      while (isOp('\n')) p++;
      rest.push({ op, node: pipeline() });
    }
    return rest.length ? { kind: 'andor', first, rest } : first;
  }
  function pipeline(): Node {
    const cmds = [command()];
    while (isOp('|')) {
      p++;
      while (isOp('\n')) p++;
      cmds.push(command());
    }
    return cmds.length > 1 ? { kind: 'pipeline', cmds } : cmds[0]!;
  }
  function redirs(): Redir[] {
    const r: Redir[] = [];
    for (;;) {
      const t = peek();
      if (t?.t !== 'op') break;
      const m = /^([0-9])?(>>|>&|&>|>|<)$/.exec(t.v);
      if (!m) {
        if (t.v === '2>&1') {
          p++;
          continue;
        }
        break;
      }
      p++;
      const target = peek();
      if (target?.t !== 'word') throw new ShellSyntaxError(`redirection ${t.v} without a target`, p);
      p++;
      r.push({ fd: m[1] ? Number(m[1]) : m[2] === '<' ? 0 : 1, op: m[2] as Redir['op'], target: target.v });
    }
    return r;
  }
  function command(): Node {
    const t = peek();
    if (t?.t === 'op' && t.v === '(') {
      p++;
      const body = list((x) => x?.t === 'op' && x.v === ')');
      if (!isOp(')')) throw new ShellSyntaxError('expected )', p);
      p++;
      return { kind: 'subshell', body, redirs: redirs() };
    }
    if (t?.t === 'word') {
      if (t.v === '{') {
        p++;
        const body = list((x) => x?.t === 'word' && x.v === '}');
        expectWord('}');
        return { kind: 'group', body, redirs: redirs() };
      }
      if (t.v === 'if') {
        p++;
        const branches: Array<{ cond: Node; body: Node }> = [];
        let otherwise: Node | null = null;
        for (;;) {
          const cond = list((x) => x?.t === 'word' && x.v === 'then');
          expectWord('then');
          const body = list((x) => x?.t === 'word' && ['elif', 'else', 'fi'].includes(x.v));
          branches.push({ cond, body });
          if (isWord('elif')) {
            p++;
            continue;
          }
          if (isWord('else')) {
            p++;
            otherwise = list((x) => x?.t === 'word' && x.v === 'fi');
          }
          expectWord('fi');
          break;
        }
        return { kind: 'if', branches, otherwise };
      }
      if (t.v === 'for') {
        p++;
        const name = peek()!.v;
        p++;
        const items: Word[] = [];
        if (isWord('in')) {
          p++;
          while (peek()?.t === 'word') items.push(toks[p++]!.v);
        }
        skipNl();
        expectWord('do');
        const body = list((x) => x?.t === 'word' && x.v === 'done');
        expectWord('done');
        return { kind: 'for', name, items, body };
      }
      if (t.v === 'while' || t.v === 'until') {
        p++;
        const cond = list((x) => x?.t === 'word' && x.v === 'do');
        expectWord('do');
        const body = list((x) => x?.t === 'word' && x.v === 'done');
        expectWord('done');
        return { kind: 'while', cond, body };
      }
    }
    const assigns: Word[] = [];
    const words: Word[] = [];
    const rs: Redir[] = [];
    for (;;) {
      const x = peek();
      if (!x) break;
      if (x.t === 'word') {
        if (!words.length && RESERVED.has(x.v)) break;
        if (!words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(x.v)) assigns.push(x.v);
        else words.push(x.v);
        p++;
        continue;
      }
      const got = redirs();
      if (got.length) {
        rs.push(...got);
        continue;
      }
      if (x.v === '2>&1') continue;
      break;
    }
    if (!assigns.length && !words.length && !rs.length)
      throw new ShellSyntaxError(`unexpected ${JSON.stringify(peek()?.v ?? 'end')}`, p);
    return { kind: 'simple', assigns, words, redirs: rs };
  }

  const root = list(() => false);
  if (p < toks.length) throw new ShellSyntaxError(`unexpected ${JSON.stringify(toks[p]!.v)}`, p);
  return root;
}
