import { NightjarError } from '@nightjar/core';

/** Stable error codes of the fleet package. */
export const FLEET_ERROR_CODES = {
  /** A host id that cannot be a NATS subject token (allowed: A-Z a-z 0-9 _ -). */
  hostId: 'NJ_FLEET_HOST_ID',
  /** The server is not set up: a stream or bucket is missing (run `nightjar fleet --init`). */
  notInitialised: 'NJ_FLEET_NOT_INITIALISED',
  /** A frame whose headers or payload cannot be read. */
  frame: 'NJ_FLEET_FRAME',
  /** The on-disk spool cannot be read or written. */
  spool: 'NJ_FLEET_SPOOL',
} as const;

export type FleetErrorCode = (typeof FLEET_ERROR_CODES)[keyof typeof FLEET_ERROR_CODES];

export class FleetError extends NightjarError {
  constructor(code: FleetErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
