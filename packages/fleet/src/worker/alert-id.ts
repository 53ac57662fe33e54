/**
 * The alert's identity, used as its message id in NJ_ALERTS: the same alert re-raised after a
 * fail-over (the frame was processed but not acked) gets the same id, and the stream's duplicate
 * window drops it. Built from what makes an alert the same alert, never from when it was computed.
 */
import { createHash } from 'node:crypto';
import type { Alert } from '@nightjar/core';

export function alertId(alert: Alert, host: string): string {
  // Core sets its own deterministic id on alerts (host-aware); prefer it when present.
  const own = (alert as { id?: unknown }).id;
  if (typeof own === 'string' && own.length > 0) return own;
  const key = JSON.stringify([
    alert.rule.id,
    host,
    alert.time,
    alert.event_type,
    alert.process.entity_id,
    alert.group ?? null,
    alert.window?.start ?? null,
  ]);
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}
