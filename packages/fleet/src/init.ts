/**
 * `nightjar fleet --init`: the streams and buckets fleet mode uses. The subject mapping that assigns
 * partitions lives in the server's config file on 2.9 (no API sets it), so init prints that line.
 */
import { type NatsConnection, nanos } from '@nats-io/transport-node';
import { DiscardPolicy, RetentionPolicy, StorageType, jetstreamManager, type StreamConfig } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { Objm } from '@nats-io/obj';
import { DEFAULT_PARTITIONS, FLEET_NAMES, mappingConfig } from './names.js';
import { FLEET_ERROR_CODES, FleetError } from './errors.js';

export interface FleetSetup {
  /** Partitions of the mapping (fixed for the life of the stream). Default 16. */
  partitions?: number;
  /** Lease time of a partition (the lease bucket's TTL), ms. Default 10 s. */
  leaseMs?: number;
  /** How long frames stay in NJ_EVENTS: must cover the replay horizon of a fail-over. Default 24 h. */
  eventsMaxAgeMs?: number;
  /** NJ_EVENTS size cap; when full, publishes are refused (discard new) and agents spool. Default none. */
  eventsMaxBytes?: number;
  /** Agent re-sends inside this window are duplicates. Default 2 min. */
  eventsDuplicateWindowMs?: number;
  /** Re-emitted alerts inside this window are duplicates: at least fail-over time plus replay. Default 10 min. */
  alertsDuplicateWindowMs?: number;
}

export interface FleetLayout {
  partitions: number;
  leaseMs: number;
  /** The server config line the partition mapping needs. */
  mapping: string;
}

const CONFIG_KEY = 'config';

async function ensureStream(
  jsm: Awaited<ReturnType<typeof jetstreamManager>>,
  cfg: Partial<StreamConfig> & { name: string },
): Promise<void> {
  const exists = await jsm.streams.info(cfg.name).then(
    () => true,
    (err: unknown) => {
      if (err instanceof Error && err.name === 'StreamNotFoundError') return false;
      throw err;
    },
  );
  if (exists) await jsm.streams.update(cfg.name, cfg);
  else await jsm.streams.add(cfg);
}

/** Creates (or updates) every stream and bucket and records the partition count. Idempotent. */
export async function initFleet(nc: NatsConnection, setup: FleetSetup = {}): Promise<FleetLayout> {
  const partitions = setup.partitions ?? DEFAULT_PARTITIONS;
  const leaseMs = setup.leaseMs ?? 10_000;
  const jsm = await jetstreamManager(nc);
  await ensureStream(jsm, {
    name: FLEET_NAMES.events,
    subjects: ['es.p.*.*'],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: nanos(setup.eventsMaxAgeMs ?? 24 * 3_600_000),
    max_bytes: setup.eventsMaxBytes ?? -1,
    discard: DiscardPolicy.New,
    duplicate_window: nanos(setup.eventsDuplicateWindowMs ?? 120_000),
  });
  for (const [name, subject] of [
    [FLEET_NAMES.alerts, 'alerts.>'],
    [FLEET_NAMES.diagnostics, 'diag.>'],
    [FLEET_NAMES.signals, 'sig.>'],
  ] as const) {
    await ensureStream(jsm, {
      name,
      subjects: [subject],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      duplicate_window: nanos(setup.alertsDuplicateWindowMs ?? 600_000),
    });
  }
  const kvm = new Kvm(nc);
  await kvm.create(FLEET_NAMES.leases, { ttl: leaseMs, history: 1 });
  await kvm.create(FLEET_NAMES.workers, { ttl: leaseMs, history: 1 });
  const ckpt = await kvm.create(FLEET_NAMES.checkpoints, { history: 1 });
  await ckpt.put(CONFIG_KEY, JSON.stringify({ partitions, leaseMs }));
  await new Objm(nc).create(FLEET_NAMES.snapshots);
  return { partitions, leaseMs, mapping: mappingConfig(partitions) };
}

/** What `--init` recorded; a worker refuses to start on a server that was never initialised. */
export async function readLayout(nc: NatsConnection): Promise<FleetLayout> {
  try {
    const kv = await new Kvm(nc).open(FLEET_NAMES.checkpoints);
    const e = await kv.get(CONFIG_KEY);
    if (e !== null && e.operation === 'PUT') {
      const c = e.json<{ partitions: number; leaseMs: number }>();
      return { partitions: c.partitions, leaseMs: c.leaseMs, mapping: mappingConfig(c.partitions) };
    }
  } catch {
    // fall through to the error below
  }
  throw new FleetError(
    FLEET_ERROR_CODES.notInitialised,
    `the NATS server has no fleet setup (bucket ${FLEET_NAMES.checkpoints}): run 'nightjar fleet --init' first`,
  );
}
