/**
 * Base class of every error Nightjar throws on purpose. `code` is stable across releases
 * (callers switch on it); the message is for people and may change.
 */
export class NightjarError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
