/**
 * @nightjar/core — the event model and the detection engine runtime. No I/O.
 * This file is the package's whole public face.
 */
export { NightjarError } from './errors.js';
export type { Diagnostic } from './diagnostics.js';
export { CORE_DIAGNOSTIC_CODES, CORE_ERROR_CODES } from './codes.js';
export type { CoreCode, CoreDiagnosticCode, CoreErrorCode } from './codes.js';
export * from './model/index.js';
export * from './fields/index.js';
export * from './lineage/index.js';
export * from './gaps/index.js';
export * from './ruleset/index.js';
export * from './correlation/index.js';
export * from './alert/index.js';
export * from './engine/index.js';
export * from './snapshot/index.js';
