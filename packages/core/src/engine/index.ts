export { Engine, ENGINE_DEFAULTS } from './engine.js';
export type { EngineMetrics, EngineOptions, FleetSignal, ReloadResult } from './engine.js';
export { rulesetFingerprint } from './definition.js';
