/**
 * The agent under push-back (budget ~20 s): NJ_EVENTS is capped, so the server refuses frames; the
 * shipper spools them, loses what the spool cannot hold, and once the server accepts again it
 * re-sends the spool and a drop frame, which the worker reports as an NJ_GAP with cause
 * `transport` for that host. A frame re-sent from the spool keeps its message id.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledRulesDir, loadRules } from '@nightjar/rules';
import {
  FLEET_NAMES,
  FleetWorker,
  Shipper,
  initFleet,
  partitionOf,
  startLocalServer,
  type LocalServer,
} from '@nightjar/fleet';
import { consumers, fixture, fleetSkipReason, readStream, until } from './cluster.js';

const why = fleetSkipReason();
const HOST = 'mac-c01';

describe.skipIf(why.skip !== '')(`fleet agent push-back${why.skip ? ` (skipped: ${why.skip})` : ''}`, () => {
  let server: LocalServer | undefined;
  let nc: NatsConnection | undefined;
  let worker: FleetWorker | undefined;
  const spool = mkdtempSync(path.join(tmpdir(), 'nightjar-spool-'));

  beforeAll(async () => {
    if (why.fail !== '') return;
    server = await startLocalServer(16);
    nc = await connect({ servers: server.url });
    await initFleet(nc, { partitions: 16, leaseMs: 3000, eventsMaxBytes: 48 * 1024 });
  });

  afterAll(async () => {
    await worker?.stop();
    await nc?.close();
    await server?.stop();
    rmSync(spool, { recursive: true, force: true });
  });

  it('spools refused frames, reports its own losses as a transport gap', { timeout: 120_000 }, async () => {
    if (why.fail !== '') throw new Error(`fleet test cannot run in CI: ${why.fail} (.ci/run installs nats-server)`);
    worker = await FleetWorker.start(nc!, { ruleset: await loadRules([bundledRulesDir()]) });
    const shipper = new Shipper(nc!, {
      host: HOST,
      session: 'sC',
      spoolDir: spool,
      spoolMaxBytes: 16 * 1024,
      publishTimeoutMs: 2000,
    });
    for (const l of fixture('meterpreter-session.jsonl')) await shipper.push(l);
    await shipper.flush();
    const s = shipper.stats();
    expect(s.spooled, 'the full stream pushed back').toBeGreaterThan(0);
    expect(s.dropped, 'the spool overflowed').toBeGreaterThan(0);
    expect(shipper.spooled).toBeGreaterThan(0);

    // Room again (as max_age would make it): the spool drains and the drop frame goes out.
    const jsm = await jetstreamManager(nc!);
    const k = partitionOf(HOST, 16);
    await until('the worker consumed what was stored', 60_000, async () =>
      (await consumers(jsm)).get(k)?.pending === 0 ? true : undefined,
    );
    await jsm.streams.purge(FLEET_NAMES.events, { filter: `es.p.${k}.${HOST}` });
    await until('the spool drained', 60_000, async () => {
      await shipper.flush();
      return shipper.spooled === 0 ? true : undefined;
    });
    // Losses travel in one or more drop frames (one per stretch of refusals): together they count every lost line.
    const gaps = await until('transport gaps for every lost line', 60_000, async () => {
      const d = await readStream<{ code: string; host: string; data: { cause: string; missing: number } }>(
        nc!,
        FLEET_NAMES.diagnostics,
      );
      const g = d.filter((x) => x.body.code === 'NJ_GAP' && x.body.host === HOST).map((x) => x.body);
      return g.reduce((n, x) => n + x.data.missing, 0) >= s.dropped ? g : undefined;
    });
    expect(gaps.every((g) => g.data.cause === 'transport')).toBe(true);
    expect(gaps.reduce((n, x) => n + x.data.missing, 0)).toBe(s.dropped);
  });
});
