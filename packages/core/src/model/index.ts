export type * from './message.js';
export type { NightjarEvent } from './event.js';
