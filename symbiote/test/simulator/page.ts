import type { Page } from 'playwright-core';
import { Refusal, type SimulatedClient } from './simulator.js';

/** The `TS` object the page sees: each call goes to the test's SimulatedClient and comes back as a Promise. */
const NAMESPACES: Record<string, string[]> = {
  dice: ['isValidRollString', 'makeRollDescriptors', 'putDiceInTray'],
  'localStorage.global': ['getBlob', 'setBlob', 'deleteBlob'],
  'localStorage.campaign': ['getBlob', 'setBlob', 'deleteBlob'],
  campaigns: ['whereAmI'],
  boards: ['whereAmI'],
  clients: ['whoAmI', 'isMe'],
  players: ['whoAmI'],
  sync: ['send'],
  debug: ['log'],
};

/** Runs in the page before any of its scripts (TaleSpire injects TS first), then fires hasInitialized after load. */
function shim(namespaces: Record<string, string[]>): void {
  type Reply = { ok: true; value: unknown } | { ok: false; cause: string };
  const host = (window as unknown as { __tsSimCall: (method: string, args: unknown[]) => Promise<Reply> }).__tsSimCall;
  const ts: Record<string, unknown> = {};
  for (const [path, names] of Object.entries(namespaces)) {
    let target = ts;
    for (const part of path.split('.')) target = (target[part] ??= {}) as Record<string, unknown>;
    for (const name of names)
      target[name] = (...args: unknown[]) =>
        host(`${path}.${name}`, args).then((reply) =>
          // TaleSpire rejects with plain `{ cause }` objects, not Errors: the simulator does the same.
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
          reply.ok ? reply.value : Promise.reject({ cause: reply.cause }),
        );
  }
  (window as unknown as { TS: unknown }).TS = ts;
  const ready = (): void => void (window as unknown as { __tsSimReady: () => Promise<void> }).__tsSimReady();
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', ready, { once: true });
  else ready();
}

/** Puts a simulated TaleSpire under a page: the TS object before the app, events to the manifest's handlers. */
export async function attachTaleSpire(page: Page, client: SimulatedClient): Promise<void> {
  await page.exposeFunction('__tsSimCall', async (method: string, args: unknown[]) => {
    try {
      return { ok: true, value: (await client.call(method, args)) ?? null };
    } catch (error) {
      if (error instanceof Refusal) return { ok: false, cause: error.cause };
      throw error;
    }
  });
  await page.exposeFunction('__tsSimReady', () => {
    // TaleSpire initializes after the page's scripts ran; the app's module script is deferred, so wait a tick.
    setTimeout(() => client.initialized(), 50);
  });
  client.deliver = (handler, event) => {
    page
      .evaluate(([name, payload]) => (window as unknown as Record<string, (event: unknown) => void>)[name]?.(payload), [
        handler,
        event,
      ] as const)
      .catch(() => undefined); // a page that is reloading misses the event, like a real reload would
  };
  await page.addInitScript(shim, NAMESPACES);
}
