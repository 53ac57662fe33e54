/**
 * The fleet rows of `pnpm bench`: the same deflated frames (32 hosts, 64 lines each, preloaded into
 * NJ_EVENTS on a local nats-server with 16 partitions) through 1 worker, 2 workers, and the same
 * frame path in this process without NATS (inflate → per-host decoder and engine). Timing starts
 * when the workers, rules loaded, are told to go and ends when every partition consumer is
 * drained. Best of `rounds`; each round has a fresh server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Engine, createDecoder, scanHeader, type CompiledRuleSet } from '@nightjar/core';
import { FLEET_NAMES, decodeFrame, encodeFrame, findNatsServer, initFleet, startLocalServer } from '@nightjar/fleet';

const PARTITIONS = 16;
const HOSTS = 32;

export interface FleetBench {
  cores: number;
  events: number;
  /** events per second */
  inProcess: number;
  oneWorker: number;
  twoWorkers: number;
  /** worker CPU ms per 1,000 events */
  cpuPerKOne: number;
  cpuPerKTwo: number;
  /** From `go` until the first partition consumer reads (not in the rates). */
  startOneMs: number;
  startTwoMs: number;
}

interface Framed {
  host: string;
  data: Uint8Array;
  headers: ReturnType<typeof encodeFrame>['headers'];
}

/** `lines` spread over HOSTS hosts (a contiguous slice each, so sequence numbers run on), in 64-line frames. */
function frames(lines: string[], total: number): Framed[] {
  const per = Math.ceil(total / HOSTS);
  const out: Framed[] = [];
  for (let h = 0; h < HOSTS; h++) {
    const host = `bench-${String(h).padStart(2, '0')}`;
    const mine: string[] = [];
    for (let i = 0; i < per; i++) mine.push(lines[(h * per + i) % lines.length]!);
    for (let i = 0; i < mine.length; i += 64) {
      const chunk = mine.slice(i, i + 64);
      const seq = (l: string) => scanHeader(l)?.globalSeq ?? -1;
      const { data, headers } = encodeFrame({
        kind: 'events',
        session: 'bench',
        first: seq(chunk[0]!),
        last: seq(chunk.at(-1)!),
        lines: chunk,
        count: 0,
      });
      out.push({ host, data, headers });
    }
  }
  return out;
}

/** The worker's per-frame work without NATS: inflate, per-host decode, per-host engine. */
function inProcess(ruleset: CompiledRuleSet, fs: Framed[]): { ms: number; events: number } {
  const hosts = new Map<string, { engine: Engine; decoder: ReturnType<typeof createDecoder>; n: number }>();
  let events = 0;
  const t0 = performance.now();
  for (const f of fs) {
    let h = hosts.get(f.host);
    if (h === undefined) {
      const engine = new Engine(ruleset);
      hosts.set(
        f.host,
        (h = { engine, decoder: createDecoder({ source: f.host, eventTypes: engine.requiredEventTypes() }), n: 0 }),
      );
    }
    for (const line of decodeFrame(f.data, f.headers, 'bench').lines) {
      const ev = h.decoder.decode(line, ++h.n, 0);
      if ('msg' in ev) {
        h.engine.push(ev);
        events++;
      }
    }
    h.engine.drainDiagnostics();
  }
  return { ms: performance.now() - t0, events };
}

/** A child's stdout lines, each with the time it arrived. */
function lines(child: ChildProcess): { next(): Promise<{ line: string; at: number }> } {
  const queue: { line: string; at: number }[] = [];
  const waiting: ((x: { line: string; at: number }) => void)[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const x = { line, at: performance.now() };
    const w = waiting.shift();
    if (w) w(x);
    else queue.push(x);
  });
  return {
    next: () => {
      const x = queue.shift();
      return x !== undefined ? Promise.resolve(x) : new Promise((r) => waiting.push(r));
    },
  };
}

/** One round: fresh server, frames preloaded, `n` workers; wall ms from go to drained, and their CPU. */
async function round(fs: Framed[], n: number): Promise<{ ms: number; cpuMs: number; events: number; startMs: number }> {
  const server = await startLocalServer(PARTITIONS);
  const nc = await connect({ servers: server.url });
  try {
    await initFleet(nc, { partitions: PARTITIONS, leaseMs: 10_000 });
    const js = jetstream(nc);
    await Promise.all(fs.map((f) => js.publish(`es.in.${f.host}`, f.data, { headers: f.headers })));
    const script = join(dirname(fileURLToPath(import.meta.url)), 'fleet-worker.js');
    const kids = Array.from({ length: n }, () =>
      spawn(process.execPath, [script, server.url], { stdio: ['pipe', 'pipe', 'inherit'] }),
    );
    const outs = kids.map(lines);
    for (const o of outs) await o.next(); // ready
    const jsm = await jetstreamManager(nc);
    // Start-up (joining the worker set, with a deliberate wait of up to 1 s so workers started
    // together share the partitions, then taking them) is timed on its own; the drain is timed from
    // the first partition consumer reading until everything is acked.
    const g0 = performance.now();
    for (const k of kids) k.stdin.write('go\n');
    const firsts = await Promise.all(outs.map((o) => o.next()));
    const t0 = Math.min(...firsts.map((f) => f.at));
    const startMs = t0 - g0;
    for (;;) {
      await new Promise((r) => setTimeout(r, 50));
      const cs = (await jsm.consumers.list(FLEET_NAMES.events).next()).filter((c) => c.name.startsWith('part-'));
      // Drained: every partition has a consumer and each has delivered and acked everything.
      const owned = new Set(cs.map((c) => c.name.split('-')[1]));
      if (owned.size === PARTITIONS && cs.every((c) => c.num_pending === 0 && c.num_ack_pending === 0)) break;
    }
    const ms = performance.now() - t0;
    let cpuMs = 0;
    let events = 0;
    for (const k of kids) k.stdin.write('stop\n');
    for (const o of outs) {
      const r = JSON.parse((await o.next()).line) as { cpuMs: number; events: number };
      cpuMs += r.cpuMs;
      events += r.events;
    }
    await Promise.all(kids.map((k) => new Promise((r) => (k.exitCode !== null ? r(null) : k.once('exit', r)))));
    return { ms, cpuMs, events, startMs };
  } finally {
    await nc.close();
    await server.stop();
  }
}

/** undefined when nats-server is not installed. */
export async function fleetBench(
  ruleset: CompiledRuleSet,
  source: string[],
  total: number,
  rounds: number,
): Promise<FleetBench | undefined> {
  if (findNatsServer() === undefined) return undefined;
  const fs = frames(source, total);
  let best = {
    inProcess: Infinity,
    one: Infinity,
    two: Infinity,
    cpuOne: Infinity,
    cpuTwo: Infinity,
    startOne: Infinity,
    startTwo: Infinity,
  };
  let events = 0;
  for (let r = 0; r < rounds; r++) {
    const ip = inProcess(ruleset, fs);
    events = ip.events;
    const one = await round(fs, 1);
    const two = await round(fs, 2);
    best = {
      inProcess: Math.min(best.inProcess, ip.ms),
      one: Math.min(best.one, one.ms),
      two: Math.min(best.two, two.ms),
      cpuOne: Math.min(best.cpuOne, one.cpuMs),
      cpuTwo: Math.min(best.cpuTwo, two.cpuMs),
      startOne: Math.min(best.startOne, one.startMs),
      startTwo: Math.min(best.startTwo, two.startMs),
    };
  }
  const rate = (ms: number) => (events * 1000) / ms;
  return {
    cores: cpus().length,
    events,
    inProcess: rate(best.inProcess),
    oneWorker: rate(best.one),
    twoWorkers: rate(best.two),
    cpuPerKOne: (best.cpuOne * 1000) / events,
    cpuPerKTwo: (best.cpuTwo * 1000) / events,
    startOneMs: best.startOne,
    startTwoMs: best.startTwo,
  };
}
