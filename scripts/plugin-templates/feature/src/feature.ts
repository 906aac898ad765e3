import { defineFeature } from '@cm/ruleset-sdk';

export default defineFeature({
  actions: {
    /** Any member may bump the group's counter; the new value is stored in this plugin's group state. */
    bump: (_input, context) => {
      const count = typeof context.state.count === 'number' ? context.state.count + 1 : 1;
      return { state: { count }, reply: count };
    },
    /** Only the DM may reset it. */
    reset: (_input, context) => {
      if (!context.isDm) throw new Error('only the DM may reset the counter');
      return { state: { count: null }, reply: 0 };
    },
  },
});
