export { LineageCache } from './cache.js';
export type { LineageMetrics, LineageOptions, ParentSource } from './cache.js';
