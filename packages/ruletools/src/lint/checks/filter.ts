/**
 * Checks of a Sigma filter document. The loader validates a filter's schema and the rules it names
 * (those diagnostics are reported under nj/schema and nj/correlation-unknown-rule); the linter adds
 * only what the loader does not check.
 */
import type { RuleDocument } from '@nightjar/rules';
import type { Reporter } from '../findings.js';

export function lintFilter(c: Reporter, doc: RuleDocument, data: Record<string, unknown>): void {
  if (typeof data.title !== 'string') c.report(doc, 'nj/schema', "a filter needs a 'title'", []);
}
