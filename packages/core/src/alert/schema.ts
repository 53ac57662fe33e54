/**
 * JSON Schema (draft-07) of one alert as the engine emits it (`Alert` in ./types.ts). Consumers
 * validate stored or streamed alerts with it; the core tests validate real alerts against it.
 * Open where the data is open: `events` are eslogger messages as read, `group` values are whatever
 * the group-by fields held.
 */
const processSchema = {
  type: 'object',
  required: ['entity_id', 'pid', 'pidversion'],
  properties: {
    entity_id: { type: 'string', pattern: '^-?\\d+:-?\\d+$' },
    pid: { type: 'integer' },
    pidversion: { type: 'integer' },
    ppid: { type: 'integer' },
    path: { type: 'string' },
    signing_id: { type: ['string', 'null'] },
    team_id: { type: ['string', 'null'] },
    is_platform_binary: { type: 'boolean' },
    args: { type: 'array', items: { type: 'string' } },
  },
  additionalProperties: false,
} as const;

export const alertJsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://nightjar.dev/schema/alert.json',
  title: 'Nightjar alert',
  type: 'object',
  required: [
    'id',
    'host',
    'rule',
    'time',
    'time_iso',
    'event_type',
    'process',
    'lineage',
    'lineage_complete',
    'events',
    'events_omitted',
    'count',
    'incomplete',
  ],
  properties: {
    id: {
      type: 'string',
      pattern: '^[0-9a-f]{32}$',
      description: 'deterministic: the same alert raised again has the same id',
    },
    host: {
      type: ['string', 'null'],
      description:
        'the host of the events; null when they named none, or for a fleet-scoped correlation (its window spans hosts)',
    },
    rule: {
      type: 'object',
      required: ['id', 'title', 'level', 'tags', 'kind'],
      properties: {
        id: { type: 'string', minLength: 1 },
        title: { type: 'string' },
        level: { enum: ['informational', 'low', 'medium', 'high', 'critical'] },
        tags: { type: 'array', items: { type: 'string' } },
        kind: { enum: ['detection', 'correlation'] },
        correlation_type: {
          enum: [
            'event_count',
            'value_count',
            'temporal',
            'temporal_ordered',
            'value_sum',
            'value_avg',
            'value_percentile',
            'value_median',
          ],
        },
        source: {
          type: 'object',
          required: ['file', 'line', 'col'],
          properties: {
            file: { type: 'string' },
            line: { type: 'integer', minimum: 0 },
            col: { type: 'integer', minimum: 0 },
          },
          additionalProperties: false,
        },
      },
      additionalProperties: false,
    },
    time: { type: 'integer', description: 'µs since the Unix epoch' },
    time_iso: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}Z$' },
    event_type: { type: 'string', minLength: 1 },
    process: processSchema,
    lineage: { type: 'array', items: processSchema },
    lineage_complete: { type: 'boolean' },
    parent_source: { enum: ['lineage', 'exec_fallback'] },
    group: { type: 'object' },
    window: {
      type: 'object',
      required: ['start', 'end'],
      properties: { start: { type: 'integer' }, end: { type: 'integer' } },
      additionalProperties: false,
    },
    value: { type: 'number' },
    events: { type: 'array', items: { type: 'object', required: ['event_type', 'event'] } },
    events_omitted: { type: 'integer', minimum: 0 },
    count: { type: 'integer', minimum: 1 },
    incomplete: { type: 'boolean' },
  },
  additionalProperties: false,
} as const;
