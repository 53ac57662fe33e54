export type * from './types.js';
export { alertJsonSchema } from './schema.js';
export { alertRuleMeta, buildCorrelationAlert, buildDetectionAlert } from './build.js';
export { summarizeProcess } from './process.js';
export { alertId } from './id.js';
