import { Logger } from '@nestjs/common';
import { watch, type FSWatcher } from 'chokidar';
import { mkdirSync } from 'node:fs';
import { relative, sep } from 'node:path';

const DEBOUNCE_MS = 100;
const IGNORED = /(^|[/\\])(node_modules|\.git|dist)([/\\]|$)|~$|\.swp$/;

/**
 * Watches the plugins folder and calls `onChange(folder)` once per burst of changes in a plugin folder
 * (debounced 100 ms): an edit, a newly dropped folder, or a deleted one.
 */
export class PluginWatcher {
  private readonly logger = new Logger(PluginWatcher.name);
  private watcher: FSWatcher | undefined;
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly pluginsDir: string,
    private readonly onChange: (folder: string) => Promise<void>,
  ) {}

  async start(): Promise<void> {
    mkdirSync(this.pluginsDir, { recursive: true });
    const watcher = watch(this.pluginsDir, { ignoreInitial: true, ignored: (path) => IGNORED.test(path) });
    watcher.on('all', (_event, path) => this.schedule(path));
    watcher.on('error', (error) => this.logger.warn(`Watching ${this.pluginsDir} failed: ${(error as Error).message}`));
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
    this.watcher = watcher;
  }

  async close(): Promise<void> {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await this.watcher?.close();
    this.watcher = undefined;
  }

  private schedule(path: string): void {
    const folder = relative(this.pluginsDir, path).split(sep)[0];
    if (!folder || folder.startsWith('.') || folder.startsWith('..')) return;
    clearTimeout(this.timers.get(folder));
    this.timers.set(
      folder,
      setTimeout(() => {
        this.timers.delete(folder);
        this.onChange(folder).catch((error: unknown) =>
          this.logger.error(`[plugin folder ${folder}] reload failed: ${(error as Error).message}`),
        );
      }, DEBOUNCE_MS),
    );
  }
}
