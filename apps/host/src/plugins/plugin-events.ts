import type { PluginReloadedPayload, PluginStreamEventMap } from '@cm/contracts';
import { Injectable } from '@nestjs/common';
import { Subject, type Observable } from 'rxjs';

/** One event of the plugin stream: its type and the contract payload (`@cm/contracts` PluginStreamEventMap). */
export type PluginEvent = {
  [K in keyof PluginStreamEventMap]: { type: K; payload: PluginStreamEventMap[K] };
}[keyof PluginStreamEventMap];

/** The plugin host's internal event stream (SSE at /v1/plugins/events; the realtime module writes reloads to groups). */
@Injectable()
export class PluginEvents {
  private readonly subject = new Subject<PluginEvent>();

  /** Every event from now on; completes when the host shuts down. */
  get events(): Observable<PluginEvent> {
    return this.subject.asObservable();
  }

  /** A plugin was (re)loaded, or its reload failed: clients showing its UI re-import `uiUrl`. */
  pluginReloaded(payload: PluginReloadedPayload): void {
    this.subject.next({ type: 'plugin.reloaded', payload });
  }

  pluginRemoved(pluginId: string): void {
    this.subject.next({ type: 'plugin.removed', payload: { pluginId } });
  }

  /** Ends every subscription (open SSE streams close so the HTTP server can shut down). */
  close(): void {
    this.subject.complete();
  }
}
