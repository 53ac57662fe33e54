/** Turns a test case's events (inline brief events or a fixture file) into engine events. */
import { eventFromMessage, NightjarError } from '@nightjar/core';
import type { NightjarEvent } from '@nightjar/core';
import { openReplay } from '@nightjar/sources';
import { expandBriefEvents } from './brief.js';

export class FixtureError extends NightjarError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('NJ_TEST_FIXTURE', message, options);
  }
}

/** Inline brief events → engine events (throws BriefEventError on malformed input). */
export function eventsFromBrief(brief: readonly unknown[], source: string): NightjarEvent[] {
  return expandBriefEvents(brief).map((msg, i) => {
    const ev = eventFromMessage(msg, { line: i + 1, offset: 0, source });
    if (ev instanceof Error) throw ev;
    return ev;
  });
}

/** How fixture files are read. */
export interface FixtureOptions {
  /** The longest line read (bytes; default the replay source's, 64 MiB): a longer one is an error. */
  readonly maxLineBytes?: number | undefined;
}

/**
 * Reads a JSON-lines fixture (plain or gzip) through @nightjar/sources' replay source, the one reader of
 * event files. A malformed line (or one over the line cap) or an unreadable file is an error here: a
 * fixture that silently loses events would make a test pass for the wrong reason.
 */
export async function readFixture(path: string, opts: FixtureOptions = {}): Promise<NightjarEvent[]> {
  const out: NightjarEvent[] = [];
  let source: ReturnType<typeof openReplay>;
  try {
    source = openReplay([path], { maxLineBytes: opts.maxLineBytes });
    for await (const batch of source) {
      const bad = batch.errors[0];
      if (bad) throw new FixtureError(`fixture ${bad.message}`, { cause: bad });
      for (const ev of batch.events) if (!ev.skipped) out.push(ev);
    }
  } catch (err) {
    if (err instanceof FixtureError) throw err;
    throw new FixtureError(`cannot read fixture ${path}: ${(err as Error).message}`, { cause: err });
  }
  const failure = source.failures()[0];
  if (failure) throw new FixtureError(`cannot read fixture ${path}: ${failure.message}`, { cause: failure });
  return out;
}
