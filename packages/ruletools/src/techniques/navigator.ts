/**
 * An ATT&CK Navigator layer (layer format 4.5) of a ruleset's coverage: one entry per technique, its
 * score the number of rules that cover it, its comment their titles; a gradient turns scores into a
 * heat map. Entries carry no `tactic`, so the Navigator shows each under every tactic it belongs to.
 */
import type { CoverageMatrix } from './coverage.js';

export interface NavigatorLayer {
  readonly name: string;
  readonly versions: { readonly attack?: string; readonly navigator: string; readonly layer: '4.5' };
  readonly domain: 'enterprise-attack';
  readonly description: string;
  readonly filters: { readonly platforms: readonly string[] };
  readonly sorting: number;
  readonly layout: Record<string, unknown>;
  readonly hideDisabled: boolean;
  readonly techniques: readonly {
    techniqueID: string;
    score: number;
    comment: string;
    enabled: boolean;
    showSubtechniques: boolean;
    metadata: readonly ({ name: string; value: string } | { divider: boolean })[];
  }[];
  readonly gradient: { readonly colors: readonly string[]; readonly minValue: number; readonly maxValue: number };
  readonly legendItems: readonly { label: string; color: string }[];
  readonly metadata: readonly { name: string; value: string }[];
  readonly showTacticRowBackground: boolean;
  readonly tacticRowBackground: string;
  readonly selectTechniquesAcrossTactics: boolean;
  readonly selectSubtechniquesWithParent: boolean;
  readonly selectVisibleTechniques: boolean;
}

/** The oldest Navigator that reads layer format 4.5. */
const NAVIGATOR_VERSION = '4.9.0';
/** White (one rule) to deep green (the most-covered technique). */
const GRADIENT = ['#e5f5e0', '#74c476', '#006d2c'];

export function navigatorLayer(matrix: CoverageMatrix, opts: { name?: string; description?: string } = {}): NavigatorLayer {
  const max = Math.max(2, ...matrix.techniques.map((t) => t.rules.length));
  return {
    name: opts.name ?? 'Nightjar rules',
    versions: { navigator: NAVIGATOR_VERSION, layer: '4.5' },
    domain: 'enterprise-attack',
    description: opts.description ?? `ATT&CK techniques covered by ${matrix.rules} Nightjar rule(s); score = number of rules`,
    filters: { platforms: ['macOS'] },
    sorting: 3,
    layout: { layout: 'side', showID: true, showName: true, showAggregateScores: false, countUnscored: false, aggregateFunction: 'max', expandedSubtechniques: 'annotated' },
    hideDisabled: false,
    techniques: matrix.techniques.map((t) => ({
      techniqueID: t.technique,
      score: t.rules.length,
      comment: t.rules.map((r) => r.title).join('\n'),
      enabled: true,
      showSubtechniques: false,
      metadata: t.rules.map((r) => ({ name: 'rule', value: `${r.title} (${r.id})` })),
    })),
    gradient: { colors: GRADIENT, minValue: 1, maxValue: max },
    legendItems: [
      { label: '1 rule', color: GRADIENT[0]! },
      { label: `${max} rules`, color: GRADIENT[2]! },
    ],
    metadata: [{ name: 'generator', value: 'nightjar techniques' }],
    showTacticRowBackground: false,
    tacticRowBackground: '#dddddd',
    selectTechniquesAcrossTactics: true,
    selectSubtechniquesWithParent: false,
    selectVisibleTechniques: false,
  };
}
