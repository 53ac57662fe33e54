/**
 * The second stage on a local nats-server: a fleet-scoped correlation ("one binary from /tmp on 3
 * hosts within an hour") over three hosts whose partitions two workers share. The partition owners
 * publish signals; the one stage-2 owner raises the alert once, with the id one in-process engine over
 * the merged events gives it. Then the stage-2 owner is SIGKILLed with a window open (two hosts'
 * signals committed): the next owner restores the snapshot and the third host's signal completes it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRules } from '@nightjar/rules';
import { Engine, createDecoder, type Alert } from '@nightjar/core';
import {
  FLEET_NAMES,
  STAGE2_KEY,
  Shipper,
  initFleet,
  partitionOf,
  startLocalServer,
  type LocalServer,
} from '@nightjar/fleet';
import { ROOT, fleetSkipReason, readStream, spawnWorker, until, type WorkerProc } from './cluster.js';
import { listConsumers } from '../src/worker/consumers.js';

const P = 4;
const why = fleetSkipReason();
const MINUTE = 60_000;
const dir = mkdtempSync(path.join(tmpdir(), 'nj-stage2-'));

const RULES = `title: Payload run
id: 3f0c1a2e-5b7d-4c1e-9a2b-00000000000a
name: payload_run
status: experimental
logsource: {product: macos, service: endpointsecurity, category: exec}
detection:
  sel: {event.exec.target.executable.path|startswith: /private/tmp/}
  condition: sel
level: low
---
title: One binary from /tmp on three hosts within an hour
id: 3f0c1a2e-5b7d-4c1e-9a2b-00000000000b
status: experimental
correlation:
  type: value_count
  rules: [payload_run]
  group-by: [event.exec.target.executable.path]
  timespan: 1h
  condition: {gte: 3, field: nightjar.host}
level: high
nightjar:
  scope: fleet
`;

/** One exec of `binary` `second` s after 10:00 (an eslogger line; the host comes from the subject). */
function execLine(binary: string, second: number, seq: number): string {
  const exec = readFileSync(path.join(ROOT, 'fixtures/execution.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, any>)
    .find((m) => m.event.exec !== undefined)!;
  exec.time = new Date(Date.UTC(2026, 0, 5, 10, 0, second)).toISOString();
  exec.event.exec.target.executable.path = binary;
  exec.seq_num = seq;
  exec.global_seq_num = seq;
  return JSON.stringify(exec);
}

describe.skipIf(why.skip !== '')(
  `fleet stage 2 on a local nats-server${why.skip ? ` (skipped: ${why.skip})` : ''}`,
  () => {
    let server: LocalServer | undefined;
    let nc: NatsConnection | undefined;
    const workers: WorkerProc[] = [];

    beforeAll(async () => {
      if (why.fail !== '') return;
      server = await startLocalServer(P);
      nc = await connect({ servers: server.url });
      await initFleet(nc, { partitions: P, leaseMs: 3000 });
    });

    afterAll(async () => {
      for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
      await nc?.close();
      await server?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it(
      'raises a window over three hosts once, and keeps it across a SIGKILL of the stage-2 owner',
      { timeout: 4 * MINUTE },
      async () => {
        if (why.fail !== '') throw new Error(`fleet test cannot run in CI: ${why.fail} (.ci/run installs nats-server)`);
        const rulesFile = path.join(dir, 'fleet.yml');
        writeFileSync(rulesFile, RULES);
        const ruleset = await loadRules([rulesFile]);
        // Hosts on different partitions, so different owners publish their signals.
        const hosts = ['mac-a01', 'mac-b01', 'mac-c01'];
        expect(new Set(hosts.map((h) => partitionOf(h, P))).size).toBe(3);

        // The oracle: one engine over the merged events, in shipping order.
        const plan: Array<[string, string]> = [
          [hosts[0], execLine('/private/tmp/one', 0, 1)],
          [hosts[1], execLine('/private/tmp/one', 5, 1)],
          [hosts[2], execLine('/private/tmp/one', 10, 1)],
          [hosts[0], execLine('/private/tmp/two', 20, 2)],
          [hosts[1], execLine('/private/tmp/two', 25, 2)],
          [hosts[2], execLine('/private/tmp/two', 30, 2)],
        ];
        const oracle = new Engine(ruleset);
        const expected: Alert[] = [];
        plan.forEach(([host, line], i) => {
          const ev = createDecoder({ source: host, host }).decode(line, i + 1, 0);
          if ('msg' in ev) expected.push(...oracle.push(ev));
        });
        expect(expected.map((a) => a.rule.id)).toEqual([
          '3f0c1a2e-5b7d-4c1e-9a2b-00000000000b',
          '3f0c1a2e-5b7d-4c1e-9a2b-00000000000b',
        ]);

        for (let i = 0; i < 2; i++)
          workers.push(spawnWorker(server!.url, {}, ['--rules', rulesFile, '--snapshot-interval', '1s']));
        const kv = await new Kvm(nc!).open(FLEET_NAMES.leases);
        const stage2Owner = async (): Promise<number | undefined> => {
          const e = await kv.get(STAGE2_KEY);
          return e !== null && e.operation === 'PUT' ? e.json<{ pid: number }>().pid : undefined;
        };
        await until('a stage-2 owner', MINUTE, stage2Owner);
        // One line at a time, each until its signal is stored: hosts' partitions commit on their own
        // clocks, and the oracle's alert (its trigger, so its id) depends on the order signals arrive in.
        const signalsStored = async (): Promise<number> =>
          (await (await jetstreamManager(nc!)).streams.info(FLEET_NAMES.signals)).state.messages;
        const ship = async (from: number, to: number): Promise<void> => {
          for (const [i, [host, line]] of plan.slice(from, to).entries()) {
            const s = new Shipper(nc!, { host, session: `s-${host}` });
            await s.push(line);
            await s.flush();
            await until(`signal ${from + i + 1} stored`, MINUTE, async () =>
              (await signalsStored()) >= from + i + 1 ? true : undefined,
            );
          }
        };
        // What a stuck run looks like: the signals stream, its consumers and every worker's log.
        const state = async (): Promise<string> => {
          const m = await jetstreamManager(nc!);
          const info = await m.streams.info(FLEET_NAMES.signals);
          const lines = [`${FLEET_NAMES.signals}: ${info.state.messages} signals`];
          for (const c of await listConsumers(m, FLEET_NAMES.signals))
            lines.push(`  ${c.name}: pending ${c.num_pending}, ack floor ${c.ack_floor.stream_seq}`);
          for (const w of workers)
            lines.push(`worker ${w.child.pid}:\n${w.stderr.trim().split('\n').slice(-15).join('\n')}`);
          return lines.join('\n');
        };
        const fleetAlerts = async () =>
          (await readStream<{ id: string; host: string | null }>(nc!, FLEET_NAMES.alerts)).filter((a) =>
            a.subject.startsWith('alerts._fleet.'),
          );

        // Window one: three hosts, one alert.
        await ship(0, 3);
        const first = await until('the first fleet alert', MINUTE, async () => {
          const a = await fleetAlerts();
          return a.length >= 1 ? a : undefined;
        }).catch(async (err: unknown) => {
          throw new Error(`${String(err)}\n${await state()}`);
        });
        expect(first.map((a) => a.body.id)).toEqual([expected[0].id]);
        expect(first[0].body.host).toBeNull();

        // Window two: two hosts' signals committed by stage 2, then its owner is killed.
        const jsm = await jetstreamManager(nc!);
        await ship(3, 5);
        await until('stage 2 acked five signals', MINUTE, async () => {
          for (const c of await listConsumers(jsm, FLEET_NAMES.signals))
            if (c.ack_floor.stream_seq >= 5 && c.num_pending === 0) return true;
          return undefined;
        });
        const victimPid = (await stage2Owner())!;
        const victim = workers.find((w) => w.child.pid === victimPid);
        expect(victim, 'stage 2 held by one of our workers').toBeDefined();
        // Let the 1 s snapshot cadence pass: the commit after the ack stores the state with the window.
        await new Promise((r) => setTimeout(r, 300));
        victim!.child.kill('SIGKILL');
        await ship(5, 6);
        const both = await until('the second fleet alert, after the take-over', 2 * MINUTE, async () => {
          const a = await fleetAlerts();
          return a.length >= 2 ? a : undefined;
        }).catch(async (err: unknown) => {
          throw new Error(`${String(err)}\n${await state()}`);
        });
        expect(both.map((a) => a.body.id)).toEqual(expected.map((a) => a.id));
        const owner = await stage2Owner();
        expect(owner).not.toBe(victimPid);
        const survivor = workers.find((w) => w.child.pid === owner)!;
        expect(survivor.stderr).toMatch(/stage 2: epoch \d+, restored through signal [1-9]/);
      },
    );
  },
);
