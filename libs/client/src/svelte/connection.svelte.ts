import type { ClientServices, ConnectionStatus } from './services.js';

/** The realtime connection's state for a small "reconnecting…" indicator. */
export class ConnectionState {
  status = $state<ConnectionStatus>('connecting');
  readonly #unsubscribe: () => void;

  constructor(services: ClientServices) {
    this.status = services.realtime.status;
    this.#unsubscribe = services.realtime.subscribeStatus((status) => (this.status = status));
  }

  /**
   * A short label for the indicator, or null when all is well. `offline` means "not trying" (nothing on screen
   * is watched, or logged out): nothing to report; a lost connection is `reconnecting` until it is back.
   */
  get problem(): string | null {
    return this.status === 'reconnecting' ? 'Reconnecting…' : null;
  }

  dispose(): void {
    this.#unsubscribe();
  }
}
