import { describe, expect, it } from 'vitest';
import { Engine, GapTracker, SequenceTracker } from '@nightjar/core';
import { ev, ruleset } from './helpers.js';

// The gap tracker has one name (GapTracker, engine.gaps, options.gaps); the old names stay as
// deprecated aliases so code written against them keeps working.
describe('engine.gaps and options.gaps', () => {
  const gappy = (engine: Engine) => {
    for (let i = 0; i < 6; i++) engine.push({ ...ev('open', i), seq: i * 2, globalSeq: undefined });
  };

  it('options.gaps configures the tracker engine.gaps returns', () => {
    const engine = new Engine(ruleset([]), { gaps: { maxGaps: 2 } });
    gappy(engine);
    expect(engine.gaps).toBeInstanceOf(GapTracker);
    expect(engine.gaps.gaps()).toHaveLength(2);
    expect(engine.gaps.metrics().gaps).toBe(5);
  });

  it('the deprecated names still work: options.sequence, engine.sequences, SequenceTracker', () => {
    const engine = new Engine(ruleset([]), { sequence: { maxGaps: 3 } });
    gappy(engine);
    expect(engine.sequences).toBe(engine.gaps);
    expect(engine.gaps.gaps()).toHaveLength(3);
    expect(SequenceTracker).toBe(GapTracker);
    // options.gaps wins when both are given.
    const both = new Engine(ruleset([]), { gaps: { maxGaps: 1 }, sequence: { maxGaps: 4 } });
    gappy(both);
    expect(both.gaps.gaps()).toHaveLength(1);
  });
});
