export type * from './types.js';
export { alertJsonSchema } from './schema.js';
export { alertRuleMeta, buildCorrelationAlert, buildDetectionAlert, summarizeProcess } from './build.js';
