/**
 * @nightjar/fleet — Nightjar on NATS JetStream: agents ship eslogger frames (Shipper), workers
 * partitioned by the server's subject mapping run one Engine per host and store each alert once
 * (FleetWorker), `initFleet` creates the streams and buckets. This file is the package's whole
 * public face.
 */
export { FLEET_ERROR_CODES, FleetError } from './errors.js';
export type { FleetErrorCode } from './errors.js';
export {
  FLEET_NAMES,
  FLEET_HOST_TOKEN,
  SIGNAL_SUBJECT,
  STAGE2_KEY,
  DEFAULT_PARTITIONS,
  checkHostId,
  mappingConfig,
  partitionOf,
} from './names.js';
export { FRAME_HEADERS, decodeFrame, encodeFrame, frameMsgId } from './frame.js';
export type { Frame, FrameKind } from './frame.js';
export { initFleet, readLayout } from './init.js';
export { findNatsServer, startLocalServer } from './local-server.js';
export type { LocalServer } from './local-server.js';
export type { FleetLayout, FleetSetup } from './init.js';
export { Shipper } from './ship/shipper.js';
export type { ShipperOptions, ShipperStats } from './ship/shipper.js';
export { shipLines, shipLive } from './ship/pump.js';
export { FleetWorker, formatStatus } from './worker/worker.js';
export type { WorkerOptions, WorkerStatus } from './worker/worker.js';
export type { EngineState } from './worker/host-state.js';
export { CRASH_HOOK_ENV, crashHookFromEnv } from './worker/crash-hook.js';
export { alertId } from './worker/alert-id.js';
