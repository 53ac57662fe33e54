/**
 * Reports bad input lines and engine diagnostics on stderr as they happen, capped so a corrupt
 * file cannot flood the terminal; the rest are counted and the count is shown in the summary.
 */
import type { Diagnostic } from '@nightjar/core';
import { sanitize, truncate } from './color.js';

/** What the replay source reports for a line it could not decode. */
export interface LineProblem {
  readonly line: number;
  readonly offset: number;
  readonly message: string;
  readonly source?: string;
}

/** `file:LINE (byte OFFSET): message` — the one format for a bad event line. */
export function formatLineProblem(p: LineProblem, file: string): string {
  return `${sanitize(file)}:${p.line} (byte ${p.offset}): ${sanitize(truncate(bareMessage(p), 300))}`;
}

/** core's DecodeError message already starts with its own `source:line[:col] (byte n): `; drop it so the display name is used. */
function bareMessage(p: LineProblem): string {
  const marker = `(byte ${p.offset}): `;
  const i = p.message.indexOf(marker);
  if (i >= 0 && p.message.slice(0, i).includes(`:${p.line}`)) return p.message.slice(i + marker.length);
  return p.message;
}

export class CappedReporter<T> {
  #printed = 0;
  #total = 0;
  constructor(
    private readonly cap: number,
    private readonly print: (item: T) => void,
  ) {}
  report(item: T): void {
    this.#total++;
    if (this.#printed < this.cap) {
      this.#printed++;
      this.print(item);
    }
  }
  get total(): number {
    return this.#total;
  }
  /** How many were counted but not printed. */
  get unprinted(): number {
    return this.#total - this.#printed;
  }
}

/**
 * One line for an engine or source diagnostic: `file:LINE: severity message [CODE]`. Messages that
 * already name their source get the display name instead, said once.
 */
export function formatDiagnosticLine(d: Diagnostic, displaySource: (s: string) => string = (s) => s): string {
  let msg = d.message;
  let where = '';
  if (d.source) {
    const shown = displaySource(d.source);
    msg = msg.split(d.source).join(shown);
    if (msg.startsWith(`${shown}: `)) msg = msg.slice(shown.length + 2);
    else if (msg.startsWith(`${shown} (host `)) msg = msg.slice(shown.length + 1);
    const at = d.offset !== undefined ? ` (byte ${d.offset})` : '';
    where = `${shown}${d.line !== undefined ? `:${d.line}${at}` : ''}: `;
  } else if (d.host) where = `host ${d.host}: `;
  return `${sanitize(where)}${d.severity} ${sanitize(msg)} [${d.code}]`;
}
