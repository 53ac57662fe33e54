/** Turns a test case's events (inline brief events or a fixture file) into engine events. */
import { readFile } from 'node:fs/promises';
import { createDecoder, eventFromMessage, NightjarError } from '@nightjar/core';
import type { NightjarEvent } from '@nightjar/core';
import * as nativeEs from '@nightjar/native-es';
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

const isEvent = (v: unknown): v is NightjarEvent =>
  typeof v === 'object' && v !== null && 'name' in v && 'msg' in v && 'time' in v;

/**
 * Reads a JSON-lines fixture. native-es' replay reader is the one reader of event files; when it is
 * not available (older native-es), the core decoder reads the file line by line. A malformed line
 * is an error here (a fixture that silently loses events would make a test pass for the wrong reason).
 */
export async function readFixture(path: string): Promise<NightjarEvent[]> {
  const openReplay = (nativeEs as Record<string, unknown>).openReplay as
    | ((paths: string[], opts?: Record<string, unknown>) => AsyncIterable<unknown> | Promise<AsyncIterable<unknown>>)
    | undefined;
  const out: NightjarEvent[] = [];
  const take = (item: unknown): void => {
    if (Array.isArray(item)) for (const x of item) take(x);
    else if (item instanceof Error) throw new FixtureError(`${path}: ${item.message}`, { cause: item });
    else if (isEvent(item)) {
      if (!item.skipped) out.push(item);
    } else if (typeof item === 'object' && item !== null && 'events' in item) take((item as { events: unknown }).events);
    else if (typeof item === 'object' && item !== null && 'error' in item && (item as { error?: unknown }).error) take((item as { error: unknown }).error);
  };
  if (typeof openReplay === 'function') {
    try {
      for await (const item of await openReplay([path])) take(item);
    } catch (err) {
      if (err instanceof FixtureError) throw err;
      throw new FixtureError(`cannot read fixture ${path}: ${(err as Error).message}`, { cause: err });
    }
    return out;
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new FixtureError(`cannot read fixture ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  const dec = createDecoder({ source: path });
  let offset = 0;
  text.split('\n').forEach((line, i) => {
    const len = Buffer.byteLength(line) + 1;
    if (line.trim() !== '') take(dec.decode(line, i + 1, offset));
    offset += len;
  });
  return out;
}
