/**
 * A threaded-scan worker: decodes the lines it is sent (every line of the hosts placed on it) and
 * runs them through its own engine, then sends back the alerts, decode errors and diagnostics,
 * tagged with each line's ordinal. One engine holds all of this worker's hosts, each host's state
 * apart, exactly as the single-threaded scan's engine does.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { isAbsolute } from 'node:path';
import {
  type Alert,
  type CompiledRuleSet,
  type Decoder,
  DecodeError,
  Engine,
  createDecoder,
  rulesetFingerprint,
} from '@nightjar/core';
import { type FromWorker, META_STRIDE, type ToWorker, type WireDecodeError, type WorkerInit } from './protocol.js';

const port = parentPort!;
const init = workerData as WorkerInit;

function send(m: FromWorker): void {
  port.postMessage(m);
}

async function loadRules(): Promise<CompiledRuleSet> {
  const spec = init.rules.module;
  const mod = (await import(isAbsolute(spec) ? pathToFileURL(spec).href : spec)) as Record<string, unknown>;
  const fn = mod[init.rules.export ?? 'default'];
  if (typeof fn !== 'function')
    throw new Error(`${spec} has no function '${init.rules.export ?? 'default'}' to load the rules with`);
  return (await (fn as (a: unknown) => unknown)(init.rules.args)) as CompiledRuleSet;
}

function wire(e: DecodeError): WireDecodeError {
  const col = e.column !== undefined ? `:${e.column}` : '';
  const prefix = `${e.source}:${e.line}${col} (byte ${e.offset}): `;
  return {
    code: e.code,
    message: e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message,
    line: e.line,
    offset: e.offset,
    source: e.source,
    column: e.column,
  };
}

const EMPTY = Buffer.alloc(0);

async function main(): Promise<void> {
  let engine: Engine;
  let ruleset: CompiledRuleSet;
  try {
    ruleset = await loadRules();
    engine = new Engine(ruleset, init.engine);
  } catch (err) {
    send({
      kind: 'failed',
      message: err instanceof Error ? err.message : String(err),
      code: (err as { code?: string }).code,
    });
    return;
  }
  const eventTypes = engine.requiredEventTypes();
  const decoders: Decoder[] = [];
  const lastSeen = new Map<string | undefined, number>();
  const firstSeen = new Map<string | undefined, [string, number]>();
  send({
    kind: 'ready',
    fingerprint: rulesetFingerprint(ruleset),
    eventTypes,
    fleetScoped: ruleset.correlations.filter((c) => c.scope === 'fleet').length,
  });

  port.on('message', (m: ToWorker) => {
    if (m.kind === 'flush') {
      const alerts = engine.flush();
      send({
        kind: 'flushed',
        alerts: alerts,
        diagnostics: engine.drainDiagnostics(),
        lastSeen: [...lastSeen].map(([h, o]) => [h ?? null, o]),
        firstSeen: [...firstSeen].map(([h, [src, line]]) => [h ?? null, src, line]),
        metrics: engine.metrics(),
      });
      return;
    }
    const decoder = (decoders[m.input] ??= createDecoder({
      eventTypes,
      source: init.sources[m.input]!,
      host: init.host,
      ...(init.strict ? { skipStrategy: 'parse' as const } : {}),
    }));
    const shared = m.shared !== null ? Buffer.from(m.shared) : EMPTY;
    const extra = m.extra !== null ? Buffer.from(m.extra) : EMPTY;
    const meta = m.meta;
    const alerts: Alert[] = [];
    const alertOrds: number[] = [];
    const alertCounts: number[] = [];
    const errors: WireDecodeError[] = [];
    const errorOrds: number[] = [];
    let events = 0;
    let skipped = 0;
    let lastOrd = -1;
    for (let i = 0; i < meta.length; i += META_STRIDE) {
      const ord = meta[i + 4]!;
      lastOrd = ord;
      const text = (meta[i + 5] === 0 ? shared : extra).toString('utf8', meta[i], meta[i + 1]);
      const r = decoder.decode(text, meta[i + 2]!, meta[i + 3]!);
      if (r instanceof DecodeError) {
        errors.push(wire(r));
        errorOrds.push(ord);
        continue;
      }
      events++;
      if (r.skipped) skipped++;
      if (!lastSeen.has(r.host)) firstSeen.set(r.host, [r.source, r.line]);
      lastSeen.set(r.host, ord);
      const out = engine.push(r);
      for (const a of out) {
        alerts.push(a);
        alertOrds.push(ord);
        alertCounts.push(a.count);
      }
    }
    const diagnostics = engine.drainDiagnostics();
    send({ kind: 'results', events, skipped, alerts, alertOrds, alertCounts, errors, errorOrds, diagnostics, lastOrd });
  });
}

void main();
