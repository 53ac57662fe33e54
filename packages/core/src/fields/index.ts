export type { EvalContext, LineageResolver } from './context.js';
