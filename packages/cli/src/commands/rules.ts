/**
 * `nightjar rules list [rules…]` and `nightjar rules show <id> [rules…]`: the rules a ruleset loads
 * (id, title, level, the ES event types each is dispatched on), and one rule's compiled view: its event
 * types, the field paths it reads, the literals of its prefilter, whether it raises alerts.
 */
import { didYouMean, formatDiagnostic, loadRuleFiles } from '@nightjar/rules';
import { catalog } from '@nightjar/ruletools';
import { CliError, type CliIO, EXIT_OK, UsageError } from '../io.js';
import { chooseMapping, mappingOption } from '../mapping.js';
import {
  colorEnabled,
  commandHelp,
  type CommandSpec,
  openOutput,
  parseCommand,
  requireRulePaths,
  resolveRulePaths,
  SHARED_OPTIONS,
  shownPath,
} from '../options.js';
import { palette } from '../output/color.js';
import { renderColumns } from '../output/table.js';

export type RulesFormat = 'table' | 'json';

const EXPECTED_SUBCOMMAND = "expected 'list' or 'show <id>'";

export const SPEC: CommandSpec<RulesFormat> = {
  name: 'rules',
  usage: 'list [rules…] | show <id> [rules…] [options]',
  description: `'rules list': the rules loaded, one per line: id, level, the ES event types each is dispatched on,
and title. 'rules show <id>': one rule (by id, name or title) as the engine runs it: its ES event types,
each field as written and the ES path it reads, the literals the prefilter index tests before the rule
runs, and whether it raises alerts of its own.`,
  arguments: [
    ['list | show <id>', 'what to print'],
    ['rules…', 'rule files or folders (default: the bundled ruleset)'],
  ],
  options: {
    mapping: SHARED_OPTIONS.mapping,
    format: SHARED_OPTIONS.format,
    output: SHARED_OPTIONS.output,
  },
  formats: ['table', 'json'],
  formatDefault: 'table',
  // No subcommand gets the same message as a wrong one.
  positionals: { min: 1, missing: EXPECTED_SUBCOMMAND },
  notes: `Examples:
  nightjar rules list my-rules/
  nightjar rules show 9598d6cd-0f0e-4052-9864-02eb6facddae`,
  exitCodes: '0 done · 2 usage error, an unknown rule id, or rules that do not load',
};

function fmtTypes(t: readonly string[] | null): string {
  return t === null ? 'any' : t.join(',');
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const args = parseCommand(SPEC, argv);
  if (args.help) {
    io.stdout.write(commandHelp(SPEC));
    return EXIT_OK;
  }
  const [sub, ...rest] = args.positionals;
  if (sub !== 'list' && sub !== 'show') {
    throw new UsageError(
      `${EXPECTED_SUBCOMMAND}, got '${sub}'${didYouMean(sub ?? '', ['list', 'show'])}\nRun 'nightjar rules --help' for usage.`,
    );
  }
  let wanted: string | undefined;
  if (sub === 'show') {
    wanted = rest.shift();
    if (wanted === undefined)
      throw new UsageError(`'rules show' needs a rule id\nRun 'nightjar rules --help' for usage.`);
  }
  const paths = resolveRulePaths({ rules: rest }, io);
  requireRulePaths(paths, io);
  const loaded = await loadRuleFiles(paths, mappingOption(chooseMapping(args.values, io, paths)));
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0)
    throw new CliError(
      'NJ_CLI_RULES',
      `rules failed to load (${errors.length} error${errors.length === 1 ? '' : 's'}; 'nightjar lint' explains)`,
      errors.slice(0, 20).map(formatDiagnostic),
    );
  const views = catalog.ruleViews(loaded.documents);
  const rel = (f: string) => shownPath(io.cwd, f);
  const json = (args.format ?? 'table') === 'json';
  const sink = await openOutput(args.values.output as string | undefined, io);
  const pal = palette(colorEnabled(io.env, sink.isTTY));
  if (sub === 'list') {
    if (json)
      await sink.write(
        `${JSON.stringify(
          views.map((v) => ({ ...v, file: rel(v.file) })),
          null,
          2,
        )}\n`,
      );
    else
      await sink.write(
        renderColumns(
          views.map((v) => [
            v.id,
            pal.level(v.level, v.level),
            v.kind === 'correlation' ? `correlation(${fmtTypes(v.eventTypes)})` : fmtTypes(v.eventTypes),
            v.title,
          ]),
          ['ID', 'LEVEL', 'ES EVENTS', 'TITLE'],
          (s) => pal.bold(s),
        ),
      );
    await sink.close();
    return EXIT_OK;
  }
  const docs = loaded.documents;
  const view =
    views.find((v) => v.id === wanted) ??
    views.find((v) => v.title === wanted) ??
    views.find((v) => docs.some((d) => d.compiled?.id === v.id && d.compiled.name === wanted));
  if (view === undefined) {
    await sink.close();
    const names = views.map((v) => v.id).concat(views.map((v) => v.title));
    throw new CliError(
      'NJ_CLI_RULES',
      `no rule '${wanted}' in ${paths.map(rel).join(', ')}${didYouMean(wanted!, names)}`,
    );
  }
  if (json) {
    await sink.write(`${JSON.stringify({ ...view, file: rel(view.file) }, null, 2)}\n`);
  } else {
    const lines: string[] = [
      `${pal.bold(view.title)}  ${pal.level(view.level, view.level)}`,
      `  id          ${view.id}`,
      `  file        ${rel(view.file)}:${view.line}`,
      `  kind        ${view.kind}${view.correlation ? ` (${view.correlation.type})` : ''}`,
      `  ES events   ${fmtTypes(view.eventTypes)}${view.usesLineage ? ' (+ fork, exec, exit for lineage)' : ''}`,
      `  alerts      ${view.generates ? 'yes' : 'no: it only feeds a correlation (no generate: true)'}`,
    ];
    if (view.correlation) {
      lines.push(`  rules       ${view.correlation.rules.join(', ')}`);
      if (view.correlation.groupBy.length) lines.push(`  group-by    ${view.correlation.groupBy.join(', ')}`);
    }
    if (view.fields.length) {
      lines.push('  fields read');
      lines.push(
        renderColumns(
          view.fields.map((f) => [`    ${f.name}`, `→ ${f.reads}${f.lineage ? ' (lineage)' : ''}`]),
        ).trimEnd(),
      );
    }
    if (view.prefilter.length)
      lines.push(
        `  prefilter   ${view.prefilter
          .map((alt) => alt.map((t) => `${t.kind} '${t.lit}'`).join(' | '))
          .join(view.prefilter.length > 1 ? '  OR  ' : '')}`,
      );
    else if (view.kind === 'detection') lines.push('  prefilter   none (the rule runs on every event of its types)');
    await sink.write(`${lines.join('\n')}\n`);
  }
  await sink.close();
  return EXIT_OK;
}
