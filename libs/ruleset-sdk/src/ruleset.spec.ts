import { describe, expect, it } from '@jest/globals';
import { defineRuleset, isRefusal, OUTCOME_TONES, refusal, type RollOutcome } from './ruleset.js';

describe('refusal', () => {
  it('builds a refusal that isRefusal recognises, with an optional path', () => {
    expect(refusal('needs_target', 'Set a target')).toEqual({
      refusal: { code: 'needs_target', message: 'Set a target' },
    });
    expect(refusal('needs_target', 'Set a target', 'target').refusal.path).toBe('target');
    expect(isRefusal(refusal('x', 'y'))).toBe(true);
  });

  it('does not mistake outcomes, lists or malformed objects for refusals', () => {
    const outcome: RollOutcome = { result: 'success', label: 'Hit' };
    for (const value of [outcome, [], null, 'refusal', { refusal: null }, { refusal: { code: 1, message: 'm' } }]) {
      expect(isRefusal(value)).toBe(false);
    }
  });
});

describe('OUTCOME_TONES', () => {
  it('gives every result a tone: partial is mixed, tie and neutral are neutral', () => {
    expect(OUTCOME_TONES).toEqual({
      critical: 'critical',
      success: 'success',
      partial: 'mixed',
      tie: 'neutral',
      neutral: 'neutral',
      failure: 'failure',
      botch: 'botch',
    });
  });
});

describe('defineRuleset', () => {
  it('returns the definition itself, typed by what its functions return', () => {
    const definition = {
      defaultSheet: () => ({ name: 'A' }),
      validate: () => [],
      getStatBlocks: () => [],
      getDiceActions: () => [{ id: 'roll', label: 'Roll', diceString: '1d6', category: 'misc' }],
      resolveRoll: (): RollOutcome => ({ result: 'neutral', label: 'Rolled' }),
      getResources: () => [],
    };
    const ruleset = defineRuleset(definition);
    expect(ruleset).toBe(definition);
    // Typed as DiceAction[] (no Refusal to narrow away): `.map` compiles.
    expect(ruleset.getDiceActions({ name: 'A' }).map((action) => action.id)).toEqual(['roll']);
  });
});
