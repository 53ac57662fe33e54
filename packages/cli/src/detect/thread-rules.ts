/**
 * The rules of a `scan --threads` worker: each worker thread imports this module and loads the same
 * rule files the command loaded (compiled rules are closures, which cannot be sent between threads).
 */
import { type LoadedRuleSet, type RuleLoadSpec, loadRuleSetOrFail } from '../options.js';

export default function loadThreadRules(spec: RuleLoadSpec): Promise<LoadedRuleSet> {
  return loadRuleSetOrFail(spec.paths, spec.options);
}
