import { defineFeature, refuse } from '@cm/ruleset-sdk';

export default defineFeature({
  actions: {
    /** Any member may bump the group's counter; the new value is stored in this plugin's group state. */
    bump: (_input, context) => {
      const count = typeof context.state.count === 'number' ? context.state.count + 1 : 1;
      return { state: { count }, reply: count };
    },
    /** Only the DM may reset it: a refusal answers 403 (a throw would be a plugin failure, 502). */
    reset: (_input, context) => {
      if (!context.isDm) return refuse('forbidden', 'Only the DM may reset the counter');
      return { state: { count: null }, reply: 0 };
    },
  },
});
