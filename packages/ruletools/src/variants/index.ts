/** Evasion-robustness testing (`nightjar test --variants`): the variant generators, the runner, the formatters. */
export { GENERATORS, VARIANT_IDS, argv0Form, auditTokenForm, destinationForm, flagBundle, flagOrder, flagUnbundle, longOptionForm, messageVersion, pathCase, privatePath, shellQuoting } from './generators.js';
export type { Msg, Variant, VariantGenerator } from './generators.js';
export { readAccepts } from './accepts.js';
export { runVariants, variantsFailed } from './run.js';
export type { VariantLoss, VariantProblem, VariantReport, VariantRuleResult } from './run.js';
export { formatVariantsJunit, formatVariantsPretty, variantsJunitCounts, variantsSummaryLine } from './format.js';
