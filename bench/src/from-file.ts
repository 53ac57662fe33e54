/**
 * End to end from the file: the passes of the "from the file" rows. Each reads the capture file in
 * 1 MiB chunks (readSync into one reused buffer) and splits it with the sources package's
 * LineSplitter, as `nightjar scan` does, then does its own work per line.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { LineSplitter, type LineSink } from '@nightjar/sources';
import { Engine, createDecoder, type CompiledRuleSet } from '@nightjar/core';

const CHUNK = 1 << 20;

/** Reads `file` and hands every line to `sink`. */
export function readSplit(file: string, sink: LineSink): void {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    const split = new LineSplitter(sink);
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      // The splitter copies only a line that straddles two chunks, so the buffer can be reused.
      split.push(n === CHUNK ? buf : buf.subarray(0, n));
    }
    split.end();
  } finally {
    closeSync(fd);
  }
}

export const fromFile = {
  /** `cat file > /dev/null`: what reading the file costs the OS, the floor of any scan. */
  cat(file: string): void {
    execFileSync('sh', ['-c', 'cat "$1" > /dev/null', 'sh', file]);
  },
  /** read + split + JSON.parse of every line: the baseline of the end-to-end rows. */
  parse(file: string): number {
    let n = 0;
    readSplit(file, (text) => {
      JSON.parse(text);
      n++;
    });
    return n;
  },
  /**
   * read + split + decode + engine (a fresh engine): `needed` decodes only the types the engine
   * needs (the others header-scanned), as `nightjar scan` does; otherwise every line is parsed.
   * Returns the alerts (detection and correlation), counted.
   */
  scan(file: string, ruleset: CompiledRuleSet, needed: boolean): { detection: number; correlation: number } {
    const engine = new Engine(ruleset);
    const dec = createDecoder({ eventTypes: needed ? engine.requiredEventTypes() : null, source: 'bench' });
    const counts = { detection: 0, correlation: 0 };
    const count = (alerts: readonly { rule: { kind: string } }[]): void => {
      for (const a of alerts) counts[a.rule.kind === 'correlation' ? 'correlation' : 'detection']++;
    };
    readSplit(file, (text, lineNo, offset) => {
      const ev = dec.decode(text, lineNo, offset);
      if (!(ev instanceof Error)) {
        const out = engine.push(ev);
        if (out.length > 0) count(out);
      }
    });
    count(engine.flush());
    return counts;
  },
};
