/**
 * `nightjar techniques [rules…]`: ATT&CK coverage of a ruleset — techniques × rules by tactic, as a
 * table, as JSON, or as an ATT&CK Navigator layer to open as a heat map.
 */
import { existsSync } from 'node:fs';
import { formatDiagnostic, loadRuleFiles } from '@nightjar/rules';
import { techniques } from '@nightjar/ruletools';
import { type CliIO, EXIT_OK } from '../io.js';
import { CliError, type CommandSpec, colorEnabled, openOutput, parseCommand, resolveRulePaths } from '../options.js';
import { palette } from '../output/color.js';

export type TechniquesFormat = 'table' | 'json' | 'navigator';

export const HELP = `Usage: nightjar techniques [rules…] [options]

ATT&CK coverage of a ruleset: for each tactic, the techniques the rules cover and the rules that
cover them, read from the rules' tags (attack.t1059.004, attack.execution). Not to be confused with
'nightjar test --coverage', which is about the rules' tests.

Arguments:
  rules…                 rule files or folders (default: the bundled ruleset)

Options:
  -f, --format <name>    table | json | navigator (default: table on a terminal, json otherwise)
                           table      tactic by tactic, each technique with its rules
                           json       the same, machine-readable
                           navigator  an ATT&CK Navigator layer (format 4.5): score = number of rules
  -o, --output <file>    write to a file instead of stdout
  -h, --help             show this help

Example:
  nightjar techniques -f navigator -o coverage.json rules/   # then open it in the ATT&CK Navigator

Exit codes: 0 done · 2 usage error or rules that do not load
`;

export const SPEC: CommandSpec<TechniquesFormat> = {
  name: 'techniques',
  help: HELP,
  options: { format: { type: 'string', short: 'f' }, output: { type: 'string', short: 'o' } },
  formats: ['table', 'json', 'navigator'],
  positionals: { min: 0 },
};

export async function run(argv: string[], io: CliIO): Promise<number> {
  const args = parseCommand(SPEC, argv);
  if (args.help) {
    io.stdout.write(HELP);
    return EXIT_OK;
  }
  const paths = resolveRulePaths({ rules: args.positionals }, io);
  const missing = paths.filter((p) => !existsSync(p));
  if (missing.length) throw new CliError('NJ_CLI_RULES', `no such rule file or directory: ${missing.join(', ')}`);
  const loaded = await loadRuleFiles(paths, {});
  // Coverage of a ruleset that does not load would claim rules that never run.
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new CliError('NJ_CLI_RULES', `${errors.length} rule error(s)`, errors.slice(0, 50).map(formatDiagnostic));
  const matrix = techniques.coverageMatrix(loaded.documents);
  const sink = await openOutput(args.values.output as string | undefined, io);
  const format = args.format ?? (io.stdout.isTTY && !sink.toFile ? 'table' : 'json');
  const text =
    format === 'navigator' ? techniques.formatNavigator(matrix) : format === 'json' ? techniques.formatJson(matrix) : techniques.formatTable(matrix, palette(colorEnabled(io.env, sink.toFile ? false : io.stdout.isTTY)), { cwd: io.cwd });
  await sink.write(text);
  await sink.close();
  if (format !== 'table' || sink.toFile) io.stderr.write(`${techniques.summaryLine(matrix)}\n`);
  return EXIT_OK;
}
