import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { TaleSpire, TaleSpireError } from '../src/talespire/adapter.js';
import { SimulatedBoard, SimulatedClient, type Manifest } from './simulator/simulator.js';

const manifest = JSON.parse(readFileSync(new URL('../manifest.json', import.meta.url), 'utf8')) as Manifest;

/** The adapter on a window-like object whose TS calls go to a simulated client (as the page shim does). */
async function started(): Promise<{ ts: TaleSpire; client: SimulatedClient; board: SimulatedBoard }> {
  const board = new SimulatedBoard('b1', { id: 'c1', name: 'Campaign' });
  const client = new SimulatedClient(manifest, { id: 'p1', name: 'Alrik' }, 'client-1');
  client.joinBoard(board);
  // The page shim's behaviour: TaleSpire rejects with plain `{ cause }` objects.
  /* eslint-disable @typescript-eslint/prefer-promise-reject-errors */
  const call =
    (method: string) =>
    (...args: unknown[]) =>
      client.call(method, args).catch((error: { cause: string }) => Promise.reject({ cause: error.cause }));
  /* eslint-enable @typescript-eslint/prefer-promise-reject-errors */
  const TS = {
    dice: { isValidRollString: call('dice.isValidRollString'), putDiceInTray: call('dice.putDiceInTray') },
    localStorage: {
      global: {
        getBlob: call('localStorage.global.getBlob'),
        setBlob: call('localStorage.global.setBlob'),
        deleteBlob: call('localStorage.global.deleteBlob'),
      },
      campaign: {
        getBlob: call('localStorage.campaign.getBlob'),
        setBlob: call('localStorage.campaign.setBlob'),
        deleteBlob: call('localStorage.campaign.deleteBlob'),
      },
    },
    campaigns: { whereAmI: call('campaigns.whereAmI') },
    clients: { whoAmI: call('clients.whoAmI') },
    sync: { send: call('sync.send') },
  };
  const win = { TS, document: { readyState: 'loading' }, addEventListener: () => undefined } as never;
  const ts = new TaleSpire(win);
  const handlers = ts.handlers as Record<string, (event: unknown) => void>;
  client.deliver = (name, event) => handlers[name]?.(event);
  const starting = ts.start();
  client.initialized();
  await starting;
  return { ts, client, board };
}

describe(TaleSpire.name, () => {
  it('offers exactly the handlers manifest.json subscribes (TaleSpire calls them by name)', () => {
    const named = Object.values(manifest.api!.subscriptions!).flatMap((sources) => Object.values(sources));
    const ts = new TaleSpire({ document: { readyState: 'complete' }, addEventListener: () => undefined } as never);
    expect(Object.keys(ts.handlers).sort()).toEqual([...named].sort());
  });

  it('starts at hasInitialized and reports being in the game', async () => {
    const { ts } = await started();
    expect(ts.inGame).toBe(true);
  });

  it('resolves a tray roll with its own throw and ignores other clients’ rolls', async () => {
    const { ts, client, board } = await started();
    const tray = await ts.putDiceInTray([{ name: 'Klettern', roll: '3d20' }]);
    let settled = false;
    void tray.thrown.then(() => (settled = true));
    board.broadcast('dice', 'onRollResults', {
      kind: 'rollResults',
      payload: { rollId: tray.rollId, clientId: 'someone-else', resultsGroups: [], gmOnly: false, quiet: false },
    });
    await Promise.resolve();
    expect(settled).toBe(false);
    client.throwDice([1, 2, 3]);
    await expect(tray.thrown).resolves.toMatchObject({
      rollId: tray.rollId,
      clientId: 'client-1',
      resultsGroups: [{ name: 'Klettern', result: { kind: 'd20', results: [1, 2, 3] } }],
    });
  });

  it('rejects a removed roll with the rollRemoved cause', async () => {
    const { ts, client } = await started();
    const tray = await ts.putDiceInTray([{ name: 'a', roll: 'd6' }]);
    client.removeRoll();
    await expect(tray.thrown).rejects.toEqual(new TaleSpireError('rollRemoved'));
  });

  it('turns a { cause } rejection into a TaleSpireError', async () => {
    const { ts } = await started();
    await expect(ts.putDiceInTray([{ name: 'a', roll: '2d7' }])).rejects.toMatchObject({
      reason: 'unsupportedSidesCount',
    });
  });

  it('holds calls between leaving and joining a board and replays them in order', async () => {
    const { ts, client, board } = await started();
    client.leaveBoard();
    expect(ts.holding).toBe(true);
    const tray = ts.putDiceInTray([{ name: 'Klettern', roll: '3d20' }]);
    const valid = ts.isValidRollString('1d6');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(client.calls.map((call) => call.method)).not.toContain('dice.putDiceInTray');
    client.joinBoard(board);
    await expect(tray).resolves.toMatchObject({ rollId: expect.any(String) });
    await expect(valid).resolves.toBe(true);
    expect(ts.holding).toBe(false);
    const replayed = client.calls.map((call) => call.method).filter((method) => method.startsWith('dice.'));
    expect(replayed).toEqual(['dice.putDiceInTray', 'dice.isValidRollString']);
  });

  it('writes no campaign data across a board change (the next board may be in another campaign)', async () => {
    const { ts, client, board } = await started();
    await ts.updateCampaign({ groupId: 'g1' });
    expect(await ts.readCampaign()).toEqual({ groupId: 'g1' });
    client.leaveBoard();
    await ts.updateCampaign({ groupId: 'g2' });
    const other = new SimulatedBoard('b2', { id: 'c2', name: 'Other campaign' });
    client.joinBoard(other);
    expect(await ts.readCampaign()).toEqual({});
    client.joinBoard(board);
    expect(await ts.readCampaign()).toEqual({ groupId: 'g1' });
  });

  it('keeps the 500-character limit of TS.sync on its side', async () => {
    const { ts } = await started();
    expect(await ts.broadcast({ t: 'rolling', label: 'x'.repeat(600) })).toBe(false);
    expect(await ts.broadcast({ t: 'rolling', label: 'Klettern' })).toBe(true);
  });

  it('keeps the global blob readable and writable during a board transition (the write follows the join)', async () => {
    const { ts, client, board } = await started();
    await ts.updateGlobal({ refreshToken: 'first' });
    client.leaveBoard();
    await expect(ts.readGlobal()).resolves.toEqual({ refreshToken: 'first' });
    await ts.updateGlobal({ refreshToken: 'second' });
    expect(JSON.parse(client.storage.get('global')!)).toEqual({ refreshToken: 'first' });
    client.joinBoard(board);
    for (let i = 0; i < 50 && JSON.parse(client.storage.get('global')!).refreshToken !== 'second'; i++)
      await new Promise((resolve) => setTimeout(resolve, 5));
    expect(JSON.parse(client.storage.get('global')!)).toEqual({ refreshToken: 'second' });
  });
});
