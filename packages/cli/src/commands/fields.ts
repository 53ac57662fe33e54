/**
 * `nightjar fields [--category C]`: the fields a rule can name, with their type and the ES path they
 * read: the taxonomy fields of the mapping in use (per category), or, for an ES event name, the native
 * paths of that event.
 */
import { ALL_EVENT_TYPES } from '@nightjar/core';
import { builtinFieldMapping, didYouMean } from '@nightjar/rules';
import { catalog } from '@nightjar/ruletools';
import { type CliIO, EXIT_OK, UsageError } from '../io.js';
import { chooseMapping } from '../mapping.js';
import { colorEnabled, commandHelp, type CommandSpec, openOutput, parseCommand, SHARED_OPTIONS } from '../options.js';
import { palette } from '../output/color.js';
import { renderColumns } from '../output/table.js';

export type FieldsFormat = 'table' | 'json';

export const SPEC: CommandSpec<FieldsFormat> = {
  name: 'fields',
  usage: '[options]',
  description: `The fields a rule can use. For a taxonomy category (process_creation, file_event, …): the
names the field mapping defines (the built-in sigmahq-macos, or --mapping / mapping: in
nightjar.config.yaml), the ES events that carry each, its type and the ES path it reads. For an ES event
name (exec, open, …): the native paths of that event, for rules with service: endpointsecurity.`,
  options: {
    category: {
      type: 'string',
      short: 'c',
      arg: '<name>',
      help: 'one taxonomy category, or an ES event name for its native paths (default: every taxonomy category)',
    },
    mapping: SHARED_OPTIONS.mapping,
    format: SHARED_OPTIONS.format,
    output: SHARED_OPTIONS.output,
  },
  formats: ['table', 'json'],
  formatDefault: 'table',
  notes: `Examples:
  nightjar fields -c process_creation
  nightjar fields -c exec -f json`,
  exitCodes: '0 done · 2 usage error (an unknown category) or a mapping that does not load',
};

export async function run(argv: string[], io: CliIO): Promise<number> {
  const args = parseCommand(SPEC, argv);
  if (args.help) {
    io.stdout.write(commandHelp(SPEC));
    return EXIT_OK;
  }
  const chosen = chooseMapping(args.values, io, [io.cwd]);
  const mapping = chosen?.mapping ?? builtinFieldMapping('sigmahq-macos');
  const category = args.values.category as string | undefined;
  let rows: catalog.FieldRow[];
  if (category === undefined || mapping.categories.has(category)) {
    rows = catalog.mappedFields(mapping, category);
  } else {
    const native = catalog.nativeFields(category);
    if (native === undefined) {
      const why = mapping.unsupported.get(category);
      if (why !== undefined) throw new UsageError(`category '${category}' has no Endpoint Security equivalent: ${why}`);
      const names = [
        ...mapping.categories.keys(),
        ...ALL_EVENT_TYPES.filter((t) => t.kind === 'notify').map((t) => t.name),
      ];
      throw new UsageError(
        `unknown category '${category}'${didYouMean(category, names)}: not a category of the mapping '${mapping.name}' (${[...mapping.categories.keys()].join(', ')}) nor an ES event name`,
      );
    }
    rows = native;
  }
  const sink = await openOutput(args.values.output as string | undefined, io);
  if ((args.format ?? 'table') === 'json') {
    await sink.write(`${JSON.stringify({ mapping: mapping.name, fields: rows }, null, 2)}\n`);
  } else {
    const pal = palette(colorEnabled(io.env, sink.isTTY));
    await sink.write(
      renderColumns(
        rows.map((r) => [r.category, r.field, r.type, r.eventTypes.join(',') || 'any', r.reads]),
        ['CATEGORY', 'FIELD', 'TYPE', 'ES EVENTS', 'READS'],
        (s) => pal.bold(s),
      ),
    );
  }
  await sink.close();
  return EXIT_OK;
}
