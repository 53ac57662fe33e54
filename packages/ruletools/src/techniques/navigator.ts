/**
 * The ATT&CK Navigator layer (file format 4.5) of a techniques report: a heat map whose score is the
 * number of rules covering a technique under a tactic, with the rule titles as the comment.
 */
import { count } from '../text.js';
import type { TechniquesReport } from './collect.js';

export const LAYER_FORMAT = '4.5';
/** The ATT&CK release the layer is written for (the one with the stealth and defense-impairment tactics) and the Navigator version (≥ 4.9.0 reads format 4.5). */
export const ATTACK_VERSION = '19';
export const NAVIGATOR_VERSION = '5.1.0';

export interface NavigatorOptions {
  readonly name?: string;
  readonly description?: string;
}

export function navigatorLayer(report: TechniquesReport, opts: NavigatorOptions = {}): Record<string, unknown> {
  const max = Math.max(1, ...report.techniques.map((t) => t.rules.length));
  const parents = new Set(
    report.techniques.filter((t) => t.technique.includes('.')).map((t) => t.technique.split('.')[0]),
  );
  const techniques = report.techniques.map((t) => ({
    techniqueID: t.technique,
    ...(t.tactic ? { tactic: t.tactic } : {}),
    score: t.rules.length,
    color: '',
    comment: t.rules.map((r) => r.title).join('; '),
    enabled: true,
    metadata: t.rules.map((r) => ({ name: 'rule', value: `${r.title} (${r.id})` })),
    links: [],
    showSubtechniques: parents.has(t.technique),
  }));
  const s = report.summary;
  return {
    name: opts.name ?? 'Nightjar rules',
    versions: { attack: ATTACK_VERSION, navigator: NAVIGATOR_VERSION, layer: LAYER_FORMAT },
    domain: 'enterprise-attack',
    description:
      opts.description ??
      `ATT&CK coverage of ${count(s.rules, 'Nightjar rule')}: ${count(s.techniques, 'technique')} in ${count(s.tactics, 'tactic')}. Score: the number of rules.`,
    filters: { platforms: ['macOS'] },
    sorting: 3,
    layout: {
      layout: 'side',
      showID: true,
      showName: true,
      showAggregateScores: false,
      countUnscored: false,
      aggregateFunction: 'average',
      expandedSubtechniques: 'annotated',
    },
    hideDisabled: false,
    techniques,
    gradient: { colors: ['#ffffff', '#66b1ff', '#0b3d91'], minValue: 0, maxValue: max },
    legendItems: [
      { label: '1 rule', color: '#66b1ff' },
      { label: `${max} rules`, color: '#0b3d91' },
    ],
    metadata: [
      { name: 'generator', value: 'nightjar techniques' },
      { name: 'rules', value: String(s.rules) },
    ],
    links: [],
    showTacticRowBackground: false,
    tacticRowBackground: '#dddddd',
    selectTechniquesAcrossTactics: true,
    selectSubtechniquesWithParent: false,
    selectVisibleTechniques: false,
  };
}
