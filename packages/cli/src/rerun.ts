/**
 * `--watch` for `lint` and `test`: run once, then again whenever a file under the given paths
 * changes (node's fs.watch; folders recursively), until the signal aborts. Changes that arrive
 * during a run are coalesced into one more run after it.
 */
import { type FSWatcher, statSync, watch } from 'node:fs';

export interface RerunOptions {
  readonly signal: AbortSignal;
  /** Quiet period after a change before re-running (editors write a file in several steps). */
  readonly debounceMs?: number;
  /** Called with the changed file's name before each re-run (e.g. to print a separator). */
  readonly onChange?: (file: string) => void;
}

/** Resolves with the last run's exit code once `signal` aborts. */
export async function rerunOnChange(
  paths: readonly string[],
  once: () => Promise<number>,
  opts: RerunOptions,
): Promise<number> {
  let last = await once();
  if (opts.signal.aborted) return last;
  return new Promise<number>((resolve) => {
    let running = false;
    let pending: string | undefined;
    let timer: NodeJS.Timeout | undefined;
    const watchers: FSWatcher[] = [];
    const runAgain = async () => {
      if (running || pending === undefined || opts.signal.aborted) return;
      const file = pending;
      pending = undefined;
      running = true;
      opts.onChange?.(file);
      try {
        last = await once();
      } finally {
        running = false;
      }
      if (pending !== undefined) void runAgain();
    };
    const changed = (file: string) => {
      pending = file;
      clearTimeout(timer);
      timer = setTimeout(() => void runAgain(), opts.debounceMs ?? 100);
    };
    for (const p of paths) {
      const recursive = statSync(p).isDirectory();
      const w = watch(p, { recursive }, (_event, name) => changed(name ? String(name) : p));
      w.on('error', () => w.close());
      watchers.push(w);
    }
    opts.signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        for (const w of watchers) w.close();
        // Let a run in progress finish before reporting its exit code.
        const done = () => (running ? setTimeout(done, 10) : resolve(last));
        done();
      },
      { once: true },
    );
  });
}
