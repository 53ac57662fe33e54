/**
 * `ship` from a live source (budget ~15 s): the agent sends the source's process table as a backfill
 * frame before its events, so a worker knows a parent it never saw start; the source's own losses
 * travel as a drop frame and come out as an NJ_GAP with cause `transport` for that host.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDecoder, type EsProcess, type NightjarEvent } from '@nightjar/core';
import { compileRuleText } from '@nightjar/rules';
import type { EventBatch, LiveSource, SourceStats } from '@nightjar/sources';
import {
  FLEET_NAMES,
  FleetWorker,
  Shipper,
  initFleet,
  shipLive,
  startLocalServer,
  type LocalServer,
} from '@nightjar/fleet';
import { fleetSkipReason, readStream, until } from './cluster.js';

const why = fleetSkipReason();
const HOST = 'mac-live-1';

// Fires only when the parent's path is known: the parent started before the agent, so only the
// backfill frame can tell the worker.
const RULE = `title: Curl From The Evil Parent
id: 5d3c8f61-2b7e-4c11-9a0e-000000000b01
status: test
level: high
logsource:
  product: macos
  service: endpointsecurity
  category: exec
detection:
  sel:
    event.exec.target.executable.path|endswith: '/curl'
    parent.executable.path: '/tmp/evil-parent'
  condition: sel
`;

function proc(pid: number, pidversion: number, path: string, ppid: number, ppv: number): EsProcess {
  return {
    audit_token: { pid, pidversion, auid: 501, euid: 501, egid: 20, ruid: 501, rgid: 20, asid: 1 },
    parent_audit_token: { pid: ppid, pidversion: ppv, auid: 501, euid: 501, egid: 20, ruid: 501, rgid: 20, asid: 1 },
    ppid,
    original_ppid: ppid,
    group_id: pid,
    session_id: 1,
    is_platform_binary: false,
    is_es_client: false,
    executable: { path, path_truncated: false },
    start_time: '2026-12-05T00:00:00.000000Z',
  };
}

/** A live source double: one batch (the child's exec), the parent in its process table, 2 events lost. */
function fakeLive(): LiveSource {
  const child = proc(200, 7, '/bin/sh', 100, 3);
  const line = JSON.stringify({
    version: 7,
    event_type: 9,
    time: '2026-12-05T00:00:01.000000Z',
    mach_time: 1,
    seq_num: 0,
    global_seq_num: 0,
    action_type: 1,
    process: child,
    event: { exec: { target: proc(200, 8, '/usr/bin/curl', 100, 3), args: ['curl', 'https://example.com'] } },
  });
  const ev = createDecoder({ source: 'live' }).decode(line, 1, 0) as NightjarEvent;
  let drops = 0;
  const stats = (): SourceStats => ({
    bytesRead: 0,
    totalBytes: undefined,
    lines: 1,
    events: 1,
    skipped: 0,
    malformed: 0,
    batches: 1,
    queueDepth: 0,
    queueBytes: 0,
    drops,
    restarts: 0,
    kernelLost: 0,
    kernelOverflows: 0,
  });
  return {
    kind: 'fake',
    async *[Symbol.asyncIterator](): AsyncGenerator<EventBatch> {
      yield { events: [ev], errors: [] };
      drops = 2;
      yield { events: [], errors: [] };
    },
    backfill: () => [proc(100, 3, '/tmp/evil-parent', 1, 1)],
    stats,
    diagnostics: () => [],
    failures: () => [],
    stop: async () => undefined,
  };
}

describe.skipIf(why.skip !== '')(`fleet agent on a live source${why.skip ? ` (skipped: ${why.skip})` : ''}`, () => {
  let server: LocalServer | undefined;
  let nc: NatsConnection | undefined;
  let worker: FleetWorker | undefined;

  beforeAll(async () => {
    if (why.fail !== '') return;
    server = await startLocalServer(16);
    nc = await connect({ servers: server.url });
    await initFleet(nc, { partitions: 16, leaseMs: 3000 });
  });

  afterAll(async () => {
    await worker?.stop();
    await nc?.close();
    await server?.stop();
  });

  it(
    'ships the backfill before the events (the worker knows the parent) and its losses as a transport gap',
    { timeout: 60_000 },
    async () => {
      if (why.fail !== '') throw new Error(`fleet test cannot run in CI: ${why.fail} (.ci/run installs nats-server)`);
      worker = await FleetWorker.start(nc!, { ruleset: compileRuleText(RULE, 'live-ship.yml') });
      const shipper = new Shipper(nc!, { host: HOST, session: 'sL' });
      await shipLive(shipper, fakeLive());
      const alerts = await until('the alert that needs the backfilled parent', 30_000, async () => {
        const a = await readStream<{
          host: string;
          rule: { title: string };
          lineage: { pid: number; path?: string }[];
        }>(nc!, FLEET_NAMES.alerts);
        return a.length > 0 ? a.map((x) => x.body) : undefined;
      });
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatchObject({ host: HOST, rule: { title: 'Curl From The Evil Parent' } });
      expect(alerts[0].lineage.map((p) => p.pid)).toContain(100);
      const gaps = await until('a transport gap for the 2 lost events', 30_000, async () => {
        const d = await readStream<{ code: string; host: string; data: { cause: string; missing: number } }>(
          nc!,
          FLEET_NAMES.diagnostics,
        );
        const g = d.filter((x) => x.body.code === 'NJ_GAP' && x.body.host === HOST).map((x) => x.body);
        return g.length > 0 ? g : undefined;
      });
      expect(gaps).toMatchObject([{ host: HOST, data: { cause: 'transport', missing: 2 } }]);
    },
  );
});
