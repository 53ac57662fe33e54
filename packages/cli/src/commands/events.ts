/**
 * `nightjar events [rules…]`: the ES event types a ruleset needs, as a list, as JSON (with the
 * rules behind each type), or as the `sudo eslogger …` command line that subscribes to exactly them.
 */
import { Engine, eventTypeByName } from '@nightjar/core';
import { type CliIO, EXIT_OK, UsageError } from '../io.js';
import {
  commandHelp,
  type CommandSpec,
  loadRuleSetOrFail,
  openOutput,
  parseCommand,
  resolveRulePaths,
  SHARED_OPTIONS,
} from '../options.js';
import { chooseMapping, mappingOption } from '../mapping.js';

export type EventsFormat = 'list' | 'json' | 'eslogger';

export const SPEC: CommandSpec<EventsFormat> = {
  name: 'events',
  usage: '[rules…] [options]',
  description: `The Endpoint Security event types a ruleset needs: the list 'nightjar watch' subscribes to (fork,
exec and exit are always included: they build the process lineage every alert carries). Subscribe to
these and nothing else: every extra type is load on the ES queue, and an overloaded queue drops events.`,
  arguments: [['rules…', 'rule files or folders (default: the bundled ruleset)']],
  options: {
    rules: { ...SHARED_OPTIONS.rules, help: 'the same as the rules… arguments, as an option (repeatable)' },
    mapping: SHARED_OPTIONS.mapping,
    format: SHARED_OPTIONS.format,
    output: SHARED_OPTIONS.output,
    macos: {
      type: 'string',
      arg: '<version>',
      help: 'leave out the event types this macOS version does not have (e.g. 13, 14.4), naming each on stderr',
    },
  },
  formats: ['list', 'json', 'eslogger'],
  formatDefault: 'list',
  formatHelp: {
    list: 'one event name per line',
    json: 'names, es_event_type numbers, minimum macOS, and the rules behind each',
    eslogger: "a 'sudo eslogger …' command line",
  },
  positionals: { min: 0 },
  notes: `Example:
  $(nightjar events -f eslogger my-rules/) | nightjar scan -`,
  exitCodes: '0 done · 2 usage error or rules that do not load',
};

export interface EventTypeNeed {
  name: string;
  /** es_event_type_t (NOTIFY), when ES knows the name. */
  es_event_type: number | null;
  /** First macOS release with this type. */
  macos: string | null;
  /** Ids of the rules that match this type; `lineage` is listed when process lineage needs it. */
  rules: string[];
}

/** Compares dotted macOS versions numerically ("10.15.4" < "13.0"). */
function cmpVersion(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const args = parseCommand(SPEC, argv);
  if (args.help) {
    io.stdout.write(commandHelp(SPEC));
    return EXIT_OK;
  }
  // Rules are positional here; --rules is accepted too for symmetry with scan.
  const given = [...args.positionals, ...((args.values.rules as string[] | undefined) ?? [])];
  const paths = resolveRulePaths({ rules: given }, io);
  const ruleset = await loadRuleSetOrFail(paths, mappingOption(chooseMapping(args.values, io, paths)));
  // The engine's list, the one `watch` subscribes to (lineage's fork/exec/exit included whenever the
  // engine keeps lineage, which every alert's process chain needs); sorted.
  const engine = new Engine(ruleset, {});
  const required = engine.requiredEventTypes();
  const byType = new Map<string, string[]>(required.map((n) => [n, []]));
  for (const r of ruleset.rules) {
    for (const t of r.eventTypes ?? []) byType.get(t)?.push(r.id);
  }
  const lineage = engine.lineage !== undefined;
  if (lineage) for (const t of ['fork', 'exec', 'exit']) byType.get(t)?.push('lineage');
  let needs: EventTypeNeed[] = required.map((name) => {
    const info = eventTypeByName(name);
    return { name, es_event_type: info?.type ?? null, macos: info?.macos ?? null, rules: byType.get(name) ?? [] };
  });
  // --macos: what that version lacks is left out, and each one is named with the rules that lose it.
  const target = args.values.macos;
  if (typeof target === 'string') {
    if (!/^\d+(\.\d+){0,2}$/.test(target))
      throw new UsageError(`--macos expects a version like 13 or 14.4, got '${target}'`);
    const lacking = needs.filter((n) => n.macos !== null && cmpVersion(n.macos, target) > 0);
    for (const n of lacking)
      io.stderr.write(
        `nightjar events: '${n.name}' needs macOS ${n.macos}; left out for macOS ${target} (rules: ${n.rules.join(', ') || 'none'})\n`,
      );
    needs = needs.filter((n) => !lacking.includes(n));
  }
  const names = needs.map((n) => n.name);

  const sink = await openOutput(args.values.output as string | undefined, io);
  const format = args.format ?? 'list';
  if (format === 'json') {
    const anyType = ruleset.rules.filter((r) => r.eventTypes === null).map((r) => r.id);
    await sink.write(
      `${JSON.stringify({ event_types: names, lineage, rules: ruleset.rules.length, correlations: ruleset.correlations.length, any_type_rules: anyType, types: needs }, null, 2)}\n`,
    );
  } else if (format === 'eslogger') {
    // eslogger only knows ES names; anything else (a vendor type) cannot be subscribed to.
    const known = needs.filter((n) => n.es_event_type !== null);
    const unknown = needs.filter((n) => n.es_event_type === null);
    for (const u of unknown)
      io.stderr.write(
        `nightjar events: '${u.name}' is not an Endpoint Security event type; left out of the eslogger command\n`,
      );
    // Each type newer than eslogger itself (macOS 13.0), by name: on an older macOS eslogger
    // refuses the whole command line.
    for (const n of known)
      if (n.macos && cmpVersion(n.macos, '13.0') > 0)
        io.stderr.write(
          `nightjar events: '${n.name}' needs macOS ${n.macos} or later (eslogger itself needs 13.0; --macos <version> leaves out what a version lacks)\n`,
        );
    if (known.length === 0) io.stderr.write('nightjar events: the ruleset needs no event types\n');
    await sink.write(`sudo eslogger ${known.map((n) => n.name).join(' ')}\n`);
  } else {
    await sink.write(names.map((n) => `${n}\n`).join(''));
  }
  await sink.close();
  return EXIT_OK;
}
