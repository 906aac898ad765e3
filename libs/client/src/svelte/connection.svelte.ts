import type { ClientServices, ConnectionStatus } from './services.js';

/** The realtime connection's state for a small "reconnecting…" indicator. */
export class ConnectionState {
  status = $state<ConnectionStatus>('connecting');
  readonly #unsubscribe: () => void;

  constructor(services: ClientServices) {
    this.status = services.realtime.status;
    this.#unsubscribe = services.realtime.subscribeStatus((status) => (this.status = status));
  }

  /** A short label for the indicator, or null when all is well. */
  get problem(): string | null {
    if (this.status === 'reconnecting') return 'Reconnecting…';
    if (this.status === 'offline') return 'Offline — changes will appear when the connection is back';
    return null;
  }

  dispose(): void {
    this.#unsubscribe();
  }
}
