export { Engine, ENGINE_DEFAULTS } from './engine.js';
export type { EngineMetrics, EngineOptions } from './engine.js';
