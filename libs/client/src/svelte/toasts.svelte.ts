import type { OutcomeTone } from '@cm/contracts';

/** One short message to the user; errors stay longer and may carry an action (e.g. "Reload"). */
export interface Toast {
  id: number;
  kind: 'info' | 'success' | 'error';
  message: string;
  action?: { label: string; run: () => void };
  /** A roll's outcome tone (critical … botch): the toast is coloured the ruleset's way. */
  tone?: OutcomeTone;
}

const LIFETIME_MS: Record<Toast['kind'], number> = { info: 4000, success: 4000, error: 9000 };

/** The toasts on screen. Both clients render `items`; state classes call `show` to report outcomes. */
export class ToastState {
  items = $state<Toast[]>([]);
  #next = 1;
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- private bookkeeping, never rendered
  #timers = new Map<number, ReturnType<typeof setTimeout>>();

  /** Shows a message; returns its id. `lifetimeMs: 0` keeps it until dismissed. */
  show(
    kind: Toast['kind'],
    message: string,
    options: { action?: Toast['action']; lifetimeMs?: number; tone?: OutcomeTone } = {},
  ): number {
    const id = this.#next++;
    this.items = [...this.items, { id, kind, message, action: options.action, tone: options.tone }].slice(-5);
    const lifetime = options.lifetimeMs ?? LIFETIME_MS[kind];
    if (lifetime > 0)
      this.#timers.set(
        id,
        setTimeout(() => this.dismiss(id), lifetime),
      );
    return id;
  }

  dismiss(id: number): void {
    clearTimeout(this.#timers.get(id));
    this.#timers.delete(id);
    this.items = this.items.filter((toast) => toast.id !== id);
  }

  /** Clears every toast and timer (on teardown). */
  clear(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    this.items = [];
  }
}
