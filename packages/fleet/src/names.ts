/**
 * Names shared by the shipper, the workers and `--init`: streams, subjects, buckets, and the
 * partition function the server's subject mapping applies.
 */
import { FLEET_ERROR_CODES, FleetError } from './errors.js';

export const FLEET_NAMES = {
  /** Frames from agents: published to `es.in.<host>`, stored by the mapping as `es.p.<partition>.<host>`. */
  events: 'NJ_EVENTS',
  alerts: 'NJ_ALERTS',
  diagnostics: 'NJ_DIAG',
  /** KV: one key per partition (`p<k>`), the value names its owner; the bucket TTL is the lease time. */
  leases: 'nj_leases',
  /** KV: one key per live worker, refreshed like a lease; the count sets each worker's share. */
  workers: 'nj_workers',
  /** KV: per-partition checkpoint (the acked stream sequence) and the fleet's partition count. */
  checkpoints: 'nj_ckpt',
  /** Object store: per-partition engine snapshots. */
  snapshots: 'nj_snap',
  /**
   * Inputs of fleet-scoped correlations (`nightjar.scope: fleet`), published by the partition owners
   * to `sig.fleet` and run by the second stage's one owner (lease and snapshot `stage2`).
   */
  signals: 'NJ_SIGNALS',
} as const;

export const SIGNAL_SUBJECT = 'sig.fleet';
/** The second stage's lease, checkpoint and snapshot name. */
export const STAGE2_KEY = 'stage2';
/** The host token of alerts and diagnostics that belong to no one host (fleet-scoped correlations). */
export const FLEET_HOST_TOKEN = '_fleet';

/** Partitions unless `--init` is told otherwise: a power of two, many more than workers. */
export const DEFAULT_PARTITIONS = 16;

const HOST_TOKEN = /^[A-Za-z0-9_-]{1,128}$/;

/** A host id is one subject token; `.`, spaces and wildcards would change the subject's shape. */
export function checkHostId(id: string): string {
  if (!HOST_TOKEN.test(id)) {
    throw new FleetError(
      FLEET_ERROR_CODES.hostId,
      `host id '${id}' must be 1-128 characters of A-Z a-z 0-9 _ - (a NATS subject token; replace '.' in host names)`,
    );
  }
  return id;
}

export const inSubject = (host: string): string => `es.in.${host}`;
export const partitionFilter = (partition: number): string => `es.p.${partition}.*`;
export const alertSubject = (host: string, ruleId: string): string =>
  `alerts.${host}.${ruleId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
export const diagSubject = (host: string): string => `diag.${host}`;
export const leaseKey = (partition: number): string => `p${partition}`;

/** `es.p.<k>.<host>` → [k, host]; undefined for any other shape. */
export function parsePartitionSubject(subject: string): [number, string] | undefined {
  const m = /^es\.p\.(\d+)\.([A-Za-z0-9_-]+)$/.exec(subject);
  return m ? [Number(m[1]), m[2]!] : undefined;
}

/**
 * The account mapping the server needs (2.9 cannot set it through the API): it hashes the host
 * token into one of `partitions` partitions, so agents never need to know the partition count.
 */
export function mappingConfig(partitions: number): string {
  return `mappings { "es.in.*": "es.p.{{partition(${partitions},1)}}.{{wildcard(1)}}" }`;
}

/** The server's partition function (FNV-1a 32 of the token, mod P), for tests and tools. */
export function partitionOf(host: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(host, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % partitions;
}
