/**
 * A rule's accepted variant losses (`nightjar: { variants: { accept: [{variant, reason}] } }`): read and
 * checked here, for both `nightjar test --variants` and the linter. The block's shape is the rule
 * schema's to check; this checks what the schema cannot know (the variant ids).
 */
import type { RuleDocument } from '@nightjar/rules';
import { VARIANT_IDS } from './generators.js';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface VariantProblem {
  readonly message: string;
  readonly location: { file: string; line: number; col: number };
  /** Key path of the offending value in the rule's document. */
  readonly path: readonly (string | number)[];
}

export function locate(doc: RuleDocument, path: (string | number)[]): { file: string; line: number; col: number } {
  try {
    return doc.locate(path);
  } catch {
    return { file: doc.file, line: 1, col: 1 };
  }
}

/** The rule's accept list, with located problems for ids no generator has. */
export function readAccepts(doc: RuleDocument): { accepts: Map<string, string>; problems: VariantProblem[] } {
  const accepts = new Map<string, string>();
  const problems: VariantProblem[] = [];
  const nj = isObj(doc.nightjar) ? doc.nightjar : isObj(doc.data) && isObj(doc.data.nightjar) ? doc.data.nightjar : undefined;
  const list = nj && isObj(nj.variants) ? nj.variants.accept : undefined;
  if (!Array.isArray(list)) return { accepts, problems };
  list.forEach((a, i) => {
    // The shape is the schema's to check (the loader reports it); here only what the schema cannot know.
    if (!isObj(a) || typeof a.variant !== 'string' || typeof a.reason !== 'string') return;
    if (!VARIANT_IDS.includes(a.variant)) {
      const path = ['nightjar', 'variants', 'accept', i, 'variant'];
      problems.push({ message: `nightjar.variants.accept: unknown variant '${a.variant}' (known: ${VARIANT_IDS.join(', ')})`, location: locate(doc, path), path });
      return;
    }
    accepts.set(a.variant, a.reason);
  });
  return { accepts, problems };
}

