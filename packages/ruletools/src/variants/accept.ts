/**
 * A rule's accepted variant losses: `nightjar: { variants: { accept: [{ variant, reason }] } }`.
 * The rules schema validates the shape (unknown keys, unknown variant names, a missing reason) with
 * located errors when the rule loads; this reader only picks the valid entries out.
 */
import { VARIANT_NAMES, type VariantName } from './types.js';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function acceptedVariants(nightjar: unknown): Map<VariantName, string> {
  const out = new Map<VariantName, string>();
  const v = isObj(nightjar) && isObj(nightjar.variants) ? nightjar.variants.accept : undefined;
  if (!Array.isArray(v)) return out;
  for (const e of v) {
    if (!isObj(e) || typeof e.variant !== 'string' || typeof e.reason !== 'string' || e.reason.trim() === '') continue;
    if ((VARIANT_NAMES as readonly string[]).includes(e.variant)) out.set(e.variant as VariantName, e.reason);
  }
  return out;
}
