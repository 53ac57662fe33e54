export { ENGINE_SNAPSHOT_VERSION, SNAPSHOT_ERROR_CODES, SnapshotError } from './format.js';
export type {
  CorrelationStateSnapshot,
  EngineSnapshot,
  EventRef,
  GapStreamSnapshot,
  GapTrackerSnapshot,
  GroupSnapshot,
  HostSnapshot,
  LineageNodeSnapshot,
  LineageSnapshot,
  SeqSnapshot,
  SnapNum,
} from './format.js';
