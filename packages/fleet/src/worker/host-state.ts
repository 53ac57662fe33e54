/**
 * One host's detection state inside a worker: its own decoder and Engine (so lineage, correlation
 * windows and sequence tracking never mix hosts), and its high-water mark for duplicate frames.
 */
import { type CompiledRuleSet, createDecoder, type Decoder, Engine, type EngineOptions } from '@nightjar/core';

/**
 * What a worker needs to checkpoint an engine. Engines that have it are snapshotted to the object
 * store and restored on fail-over; without it the new owner rebuilds state by replaying the
 * partition from its first stored frame.
 */
export interface EngineState {
  snapshot(): unknown;
  restore(state: unknown): void;
}

export function hasEngineState(e: object): e is EngineState {
  return (
    typeof (e as Partial<EngineState>).snapshot === 'function' &&
    typeof (e as Partial<EngineState>).restore === 'function'
  );
}

export interface HostMark {
  session: string;
  /** Highest `global_seq_num` applied in this session (-1: none). */
  last: number;
}

export class HostState {
  readonly engine: Engine;
  readonly decoder: Decoder;
  mark: HostMark = { session: '', last: -1 };
  /** Lines decoded so far: the decoder's line numbers, for error messages. */
  lines = 0;

  constructor(
    readonly host: string,
    ruleset: CompiledRuleSet,
    options: EngineOptions,
  ) {
    this.engine = new Engine(ruleset, options);
    // The subject names the host: core's decoder stamps it on every event (`nightjar.host`, alert
    // host and id) where it takes a `host` option; an older one ignores it.
    this.decoder = createDecoder({ source: host, eventTypes: this.engine.requiredEventTypes(), ...{ host } });
  }

  /**
   * True when this events frame was applied already: same session and nothing past the mark. An
   * agent re-sending after the stream's duplicate window ended lands here.
   */
  isDuplicate(session: string, last: number): boolean {
    return session === this.mark.session && last >= 0 && last <= this.mark.last;
  }

  advance(session: string, last: number): void {
    if (session !== this.mark.session) this.mark = { session, last };
    else if (last > this.mark.last) this.mark.last = last;
  }
}
