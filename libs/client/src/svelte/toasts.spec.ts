import { describe, expect, it, jest } from '@jest/globals';
import { ToastState } from './toasts.svelte.js';

describe(ToastState.name, () => {
  it('shows toasts, dismisses them after their lifetime and keeps at most five', () => {
    jest.useFakeTimers();
    try {
      const toasts = new ToastState();
      const id = toasts.show('info', 'Saved');
      toasts.show('error', 'Not saved', { lifetimeMs: 0 });
      expect(toasts.items.map((toast) => toast.message)).toEqual(['Saved', 'Not saved']);
      jest.advanceTimersByTime(4001);
      expect(toasts.items.map((toast) => toast.id)).not.toContain(id);
      expect(toasts.items).toHaveLength(1);
      for (let i = 0; i < 6; i++) toasts.show('success', `n${i}`);
      expect(toasts.items).toHaveLength(5);
      toasts.clear();
      expect(toasts.items).toEqual([]);
    } finally {
      jest.useRealTimers();
    }
  });

  it("carries a roll's outcome tone, and none for other messages", () => {
    const toasts = new ToastState();
    toasts.show('success', 'Klettern: 3 — Erfolg, QS 1', { tone: 'success' });
    toasts.show('info', 'Saved');
    expect(toasts.items.map((toast) => toast.tone)).toEqual(['success', undefined]);
    toasts.clear();
  });
});
