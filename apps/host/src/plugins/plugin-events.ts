import { Injectable } from '@nestjs/common';
import { Subject, type Observable } from 'rxjs';

/** A plugin changed while the host runs: clients showing its UI re-import the new URL. */
export type PluginEvent =
  | { type: 'plugin.reloaded'; id: string; version: string; kind: 'ruleset' | 'feature'; uiUrl: string | null }
  | { type: 'plugin.removed'; id: string };

/** The plugin host's internal event stream (the realtime module forwards it to connected clients). */
@Injectable()
export class PluginEvents {
  private readonly subject = new Subject<PluginEvent>();

  /** Every event from now on; completes when the host shuts down. */
  get events(): Observable<PluginEvent> {
    return this.subject.asObservable();
  }

  pluginReloaded(id: string, version: string, kind: 'ruleset' | 'feature', uiUrl: string | null): void {
    this.subject.next({ type: 'plugin.reloaded', id, version, kind, uiUrl });
  }

  pluginRemoved(id: string): void {
    this.subject.next({ type: 'plugin.removed', id });
  }

  /** Ends every subscription (open SSE streams close so the HTTP server can shut down). */
  close(): void {
    this.subject.complete();
  }
}
