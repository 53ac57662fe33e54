/**
 * What feeds a Shipper: recorded eslogger lines (a file or stdin), or a live source with its
 * process-table backfill at start and every `backfillIntervalMs`.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { LiveSource } from '@nightjar/sources';
import type { Shipper } from './shipper.js';

/** Ships every line of a stream (eslogger JSON lines), then flushes. */
export async function shipLines(shipper: Shipper, input: Readable, signal?: AbortSignal): Promise<void> {
  const rl = createInterface({ input, crlfDelay: Infinity });
  signal?.addEventListener('abort', () => rl.close(), { once: true });
  for await (const line of rl) await shipper.push(line);
  await shipper.flush();
}

/**
 * Ships a live source: each event's message as one line, the source's own losses as drop frames,
 * and the running processes (when the source can list them) so the workers' lineage starts full.
 */
export async function shipLive(
  shipper: Shipper,
  source: LiveSource,
  opts: { backfillIntervalMs?: number } = {},
): Promise<void> {
  const interval = opts.backfillIntervalMs ?? 600_000;
  let nextBackfill = 0;
  let dropsSeen = 0;
  for await (const batch of source) {
    if (source.backfill !== undefined && Date.now() >= nextBackfill) {
      nextBackfill = Date.now() + interval;
      await shipper.backfill(source.backfill());
    }
    for (const ev of batch.events) if (ev.msg !== null) await shipper.push(JSON.stringify(ev.msg));
    const drops = source.stats().drops;
    if (drops > dropsSeen) shipper.noteLost(drops - dropsSeen);
    dropsSeen = drops;
  }
  await shipper.flush();
}
