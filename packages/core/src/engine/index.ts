export { Engine, ENGINE_DEFAULTS } from './engine.js';
export type { EngineMetrics, EngineOptions, ReloadResult } from './engine.js';
export { rulesetFingerprint } from './definition.js';
