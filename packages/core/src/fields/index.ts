export type { EvalContext, LineageResolver } from './context.js';
export { compileFieldPath, processOfEvent, FieldPathError } from './compile.js';
