/**
 * A command's `--help`, generated from the same option table the parser reads, so a flag cannot be
 * accepted without being documented (or documented without being accepted), and one option keeps
 * one letter in every command.
 */

/** One flag: what `node:util` parseArgs needs, plus how `--help` shows it. */
export interface OptionDef {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  /** The value's placeholder in `--help` (`<path>`); string options only. */
  readonly arg?: string;
  /** One paragraph (wrapped to the help width), or lines kept as written. */
  readonly help: string | readonly string[];
}

export type OptionTable = Readonly<Record<string, OptionDef>>;

export interface HelpSpec {
  readonly name: string;
  /** What follows `nightjar <name>` on the usage line, e.g. `<events…|-> [options]`. */
  readonly usage: string;
  /** What the command does, one or more paragraphs separated by blank lines. */
  readonly description: string;
  /** Positional arguments, `[name, help]`. */
  readonly arguments?: readonly (readonly [string, string])[];
  readonly options: OptionTable;
  /** Examples and notes printed after the options. */
  readonly notes?: string;
  /** The `Exit codes:` line(s). */
  readonly exitCodes: string;
}

/** Help lines wrap here; flags longer than the column push their text to the next line. */
const WIDTH = 100;
const MAX_FLAG_COLUMN = 30;

/** The `--help` flag every command takes. */
export const HELP_OPTION: OptionDef = { type: 'boolean', short: 'h', help: 'show this help' };

export function flagLabel(name: string, def: OptionDef): string {
  const value = def.type === 'string' ? ` ${def.arg ?? '<value>'}` : '';
  return `${def.short ? `-${def.short}, ` : '    '}--${name}${value}`;
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}

function helpLines(help: string | readonly string[], width: number): readonly string[] {
  return typeof help === 'string' ? wrap(help, width) : help;
}

/** Two columns: the label, then its text, continuation lines aligned under the text. */
function table(rows: readonly (readonly [string, string | readonly string[]])[]): string[] {
  const column = Math.min(MAX_FLAG_COLUMN, Math.max(...rows.map(([label]) => label.length))) + 4;
  const out: string[] = [];
  for (const [label, help] of rows) {
    const lines = helpLines(help, WIDTH - column);
    const first = `  ${label}`;
    if (first.length + 2 > column) {
      out.push(first);
      for (const l of lines) out.push(' '.repeat(column) + l);
      continue;
    }
    out.push(first.padEnd(column) + (lines[0] ?? ''));
    for (const l of lines.slice(1)) out.push(' '.repeat(column) + l);
  }
  return out;
}

function paragraphs(text: string): string[] {
  return text
    .trim()
    .split(/\n\s*\n/)
    .flatMap((p, i) => [...(i > 0 ? [''] : []), ...wrap(p, WIDTH)]);
}

export function renderHelp(spec: HelpSpec): string {
  const out = [`Usage: nightjar ${spec.name} ${spec.usage}`, '', ...paragraphs(spec.description), ''];
  if (spec.arguments?.length) out.push('Arguments:', ...table(spec.arguments), '');
  const options = Object.entries({ ...spec.options, help: HELP_OPTION }).map(
    ([name, def]) => [flagLabel(name, def), def.help] as const,
  );
  out.push('Options:', ...table(options), '');
  if (spec.notes) out.push(spec.notes.trim(), '');
  out.push(...wrap(`Exit codes: ${spec.exitCodes}`, WIDTH), '');
  return out.join('\n');
}
