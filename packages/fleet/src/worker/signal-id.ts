/**
 * A fleet signal's identity, its message id in NJ_SIGNALS: what makes it the same input (the
 * correlation, the matching rule, the host, the time, the process and sequence numbers of the
 * message), never where or when it was computed, so a frame re-applied after a fail-over yields the
 * same ids and the stream's duplicate window drops the copies.
 */
import { createHash } from 'node:crypto';
import type { FleetSignal } from '@nightjar/core';

export function signalId(s: FleetSignal): string {
  const m = s.msg as {
    seq_num?: unknown;
    global_seq_num?: unknown;
    process?: { audit_token?: { pid?: unknown; pidversion?: unknown } };
  };
  const key = JSON.stringify([
    s.correlation,
    s.input,
    s.host,
    s.time,
    m.process?.audit_token?.pid ?? null,
    m.process?.audit_token?.pidversion ?? null,
    m.seq_num ?? null,
    m.global_seq_num ?? null,
    s.group ?? null,
  ]);
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}
