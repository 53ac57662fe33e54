export type * from './message.js';
export type { NightjarEvent } from './event.js';
export {
  ALL_EVENT_TYPES,
  EVENT_NAME_ALIASES,
  authEventTypeByName,
  canonicalEventName,
  eventTypeByName,
  eventTypeByNumber,
  isKnownEventName,
} from './event-types.js';
export type { EventKind, EventTypeInfo } from './event-types.js';
export { parseTimeUs, formatTimeUs, formatDurationUs } from './time.js';
export {
  DECODE_ERROR_CODES,
  DecodeError,
  NEWEST_KNOWN_MESSAGE_VERSION,
  createDecoder,
  decodeLine,
  eventFromMessage,
  payloadOf,
  tokenEntityId,
  tokenPid,
  tokenPidversion,
} from './decode.js';
export type { Decoder, DecoderOptions, DecoderStats } from './decode.js';
export { scanHeader } from './scan.js';
export type { HeaderCheck, ScannedHeader } from './scan.js';
export { EventDepthError, MAX_EVENT_DEPTH, nestsDeeperThan } from './depth.js';
