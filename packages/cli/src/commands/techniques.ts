/**
 * `nightjar techniques [rules…]`: the ATT&CK techniques a ruleset covers, by tactic, from the rules'
 * `attack.*` tags — as a table, as JSON, or as an ATT&CK Navigator layer (a heat map of rule counts).
 */
import { count } from '@nightjar/ruletools';
import { formatDiagnostic, loadRuleFiles } from '@nightjar/rules';
import { techniques } from '@nightjar/ruletools';
import { CliError, type CliIO, EXIT_OK } from '../io.js';
import {
  colorEnabled,
  commandHelp,
  type CommandSpec,
  openOutput,
  parseCommand,
  requireRulePaths,
  resolveRulePaths,
  SHARED_OPTIONS,
} from '../options.js';
import { palette } from '../output/color.js';

export type TechniquesFormat = 'table' | 'json' | 'navigator';

export const SPEC: CommandSpec<TechniquesFormat> = {
  name: 'techniques',
  usage: '[rules…] [options]',
  description: `The MITRE ATT&CK techniques a ruleset covers, tactic by tactic, from each rule's tags
(attack.t1059.002 names a technique, attack.execution a tactic). Not the same as 'test --coverage',
which lists rules without tests.`,
  arguments: [['rules…', 'rule files or folders (default: the bundled ruleset)']],
  options: {
    format: SHARED_OPTIONS.format,
    output: SHARED_OPTIONS.output,
  },
  formats: ['table', 'json', 'navigator'],
  formatDefault: 'table',
  formatHelp: {
    table: 'techniques by tactic with the number and titles of the rules',
    json: 'the same as data, with rule ids and files',
    navigator: 'an ATT&CK Navigator layer (format 4.5), a heat map (score = number of rules)',
  },
  positionals: { min: 0 },
  notes: `Example:
  nightjar techniques -f navigator -o nightjar-layer.json`,
  exitCodes: '0 done · 2 usage error or rules that do not load',
};

export async function run(argv: string[], io: CliIO): Promise<number> {
  const args = parseCommand(SPEC, argv);
  if (args.help) {
    io.stdout.write(commandHelp(SPEC));
    return EXIT_OK;
  }
  const paths = resolveRulePaths({ rules: args.positionals }, io);
  requireRulePaths(paths, io);
  const loaded = await loadRuleFiles(paths, {});
  // A coverage map of rules that do not load would claim detections the engine cannot run.
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length)
    throw new CliError(
      'NJ_CLI_RULES',
      `rules failed to load (${count(errors.length, 'error')})`,
      errors.slice(0, 50).map(formatDiagnostic),
    );
  const report = techniques.collectTechniques(loaded);
  if (report.summary.rules === 0) throw new CliError('NJ_CLI_NO_RULES', `no rules found in ${paths.join(', ')}`);
  const format = args.format ?? 'table';
  const sink = await openOutput(args.values.output as string | undefined, io);
  const text =
    format === 'navigator'
      ? `${JSON.stringify(techniques.navigatorLayer(report), null, 2)}\n`
      : format === 'json'
        ? techniques.formatTechniquesJson(report)
        : techniques.formatTechniquesTable(
            report,
            palette(colorEnabled(io.env, sink.toFile ? false : io.stdout.isTTY)),
            { cwd: io.cwd },
          );
  await sink.write(text);
  await sink.close();
  return EXIT_OK;
}
