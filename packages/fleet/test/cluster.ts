/**
 * Test harness of the fleet tests: a local nats-server, `nightjar fleet` workers as child
 * processes (the built CLI), and readers for leases, consumers and stored alerts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { createDecoder, Engine, type CompiledRuleSet } from '@nightjar/core';
import { alertId, FLEET_NAMES, findNatsServer } from '@nightjar/fleet';
import { listConsumers } from '../src/worker/consumers.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const BIN = path.join(ROOT, 'packages/cli/dist/bin.js');
export const fixture = (name: string): string[] =>
  readFileSync(path.join(ROOT, 'fixtures', name), 'utf8')
    .split('\n')
    .filter((l) => l.length > 0);

/**
 * Why the fleet tests cannot run here ('' when they can). In CI a missing server is a failure, not
 * a skip, so a green run cannot hide a missing install step; NIGHTJAR_FLEET_TEST=0 skips on purpose.
 */
export function fleetSkipReason(): { skip: string; fail: string } {
  if (process.env.NIGHTJAR_FLEET_TEST === '0') return { skip: 'NIGHTJAR_FLEET_TEST=0', fail: '' };
  const missing: string[] = [];
  if (findNatsServer() === undefined) missing.push('nats-server is not installed (apt-get install nats-server)');
  if (!existsSync(BIN) || !existsSync(path.join(ROOT, 'packages/cli/dist/commands/fleet.js')))
    missing.push('the CLI is not built (npx tsc -b)');
  if (missing.length === 0) return { skip: '', fail: '' };
  return process.env.CI ? { skip: '', fail: missing.join('; ') } : { skip: missing.join('; '), fail: '' };
}

export interface WorkerProc {
  child: ChildProcess;
  stderr: string;
  exit: Promise<number | null>;
}

export function spawnWorker(url: string, env: NodeJS.ProcessEnv = {}, extra: string[] = []): WorkerProc {
  const child = spawn(process.execPath, [BIN, 'fleet', '--nats', url, '--status-interval', '2s', ...extra], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const w: WorkerProc = {
    child,
    stderr: '',
    exit: new Promise((r) => child.once('exit', (code) => r(code))),
  };
  child.stderr.on('data', (b: Buffer) => (w.stderr += b.toString()));
  return w;
}

export async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface Lease {
  owner: string;
  pid: number;
  epoch: number;
}

export async function leases(nc: NatsConnection): Promise<Map<number, Lease>> {
  const kv = await new Kvm(nc).open(FLEET_NAMES.leases);
  const out = new Map<number, Lease>();
  for await (const key of await kv.keys()) {
    if (!/^p\d+$/.test(key)) continue; // partitions only (not the second stage's lease)
    const e = await kv.get(key);
    if (e !== null && e.operation === 'PUT') out.set(Number(key.slice(1)), e.json<Lease>());
  }
  return out;
}

/**
 * Per partition, its newest consumer: ack floor, messages pending or awaiting an ack, and how far it
 * has read the stream (`delivered`). A consumer that a take-over created past the partition's last
 * committed frame delivers nothing, so its ack floor stays 0 although nothing is left: drained is
 * "nothing pending and read through the last frame", not "ack floor at the last frame".
 */
export async function consumers(
  jsm: JetStreamManager,
): Promise<Map<number, { floor: number; pending: number; delivered: number }>> {
  const out = new Map<number, { floor: number; pending: number; delivered: number; epoch: number }>();
  for (const c of await listConsumers(jsm, FLEET_NAMES.events)) {
    const m = /^part-(\d+)-r(\d+)$/.exec(c.name);
    if (!m) continue;
    const k = Number(m[1]);
    const epoch = Number(m[2]);
    const prev = out.get(k);
    const pending = c.num_pending + c.num_ack_pending;
    if (prev === undefined || epoch > prev.epoch)
      out.set(k, { floor: c.ack_floor.stream_seq, pending, delivered: c.delivered.stream_seq, epoch });
  }
  return out;
}

/**
 * What a stuck fail-over looks like, for the error message: every consumer of the events stream
 * (pending, waiting for an ack, ack floor, pull requests waiting), the leases, and the tail of each
 * worker's log. A hang that only says "timed out" cannot be diagnosed from a CI log.
 */
export async function fleetState(nc: NatsConnection, workers: readonly WorkerProc[]): Promise<string> {
  const jsm = await jetstreamManager(nc);
  const lines: string[] = ['consumers (name: pending / ack pending / ack floor / delivered / waiting pulls):'];
  for (const c of await listConsumers(jsm, FLEET_NAMES.events))
    lines.push(
      `  ${c.name}: ${c.num_pending} / ${c.num_ack_pending} / ${c.ack_floor.stream_seq} / ${c.delivered.stream_seq} / ${c.num_waiting}`,
    );
  lines.push('leases (partition: owner pid epoch):');
  for (const [k, l] of [...(await leases(nc))].sort((a, b) => a[0] - b[0]))
    lines.push(`  ${k}: ${l.owner} ${l.pid} r${l.epoch}`);
  for (const w of workers) {
    const alive = w.child.exitCode === null && w.child.signalCode === null;
    lines.push(
      `worker pid ${w.child.pid} (${alive ? 'alive' : `exited ${w.child.exitCode ?? w.child.signalCode}`}), last log lines:`,
    );
    lines.push(
      ...w.stderr
        .trim()
        .split('\n')
        .slice(-12)
        .map((l) => `  ${l}`),
    );
  }
  return lines.join('\n');
}

export async function lastSeqOf(jsm: JetStreamManager, subject: string): Promise<number> {
  const m = await jsm.streams.getMessage(FLEET_NAMES.events, { last_by_subj: subject });
  return m?.seq ?? 0;
}

/** Every message of a stream, parsed. */
export async function readStream<T>(nc: NatsConnection, stream: string): Promise<{ subject: string; body: T }[]> {
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(stream);
  const out: { subject: string; body: T }[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const m = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
    if (m !== null) out.push({ subject: m.subject, body: m.json<T>() });
  }
  return out;
}

/** The oracle: alert ids of one uninterrupted in-process engine over the whole trace. */
export function expectedAlerts(
  ruleset: CompiledRuleSet,
  host: string,
  lines: string[],
): { id: string; title: string }[] {
  const engine = new Engine(ruleset);
  const decoder = createDecoder({ source: host, eventTypes: engine.requiredEventTypes(), ...{ host } });
  const out: { id: string; title: string }[] = [];
  lines.forEach((line, i) => {
    const ev = decoder.decode(line, i + 1, 0);
    if ('msg' in ev) for (const a of engine.push(ev)) out.push({ id: alertId(a, host), title: a.rule.title });
  });
  return out;
}

/** Partition `k` has nothing pending and its newest consumer read (and acked, or started past) `last`. */
export function drainedThrough(
  c: Map<number, { floor: number; pending: number; delivered: number }>,
  k: number,
  last: number,
): boolean {
  const x = c.get(k);
  return x !== undefined && x.pending === 0 && Math.max(x.floor, x.delivered) >= last;
}
