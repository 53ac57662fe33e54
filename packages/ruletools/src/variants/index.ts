/** The variants check (`nightjar test --variants`): generators, runner, formatters. */
export { VARIANT_NAMES } from './types.js';
export type * from './types.js';
export { GENERATORS } from './generators.js';
export { acceptedVariants } from './accept.js';
export { runVariants, variantsFailed } from './run.js';
export type { RunVariantsOptions } from './run.js';
export {
  describeChanges,
  formatVariantsJson,
  formatVariantsJunit,
  formatVariantsPretty,
  variantsSummaryLine,
} from './format.js';
