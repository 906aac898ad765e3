import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parseRollString } from './simulator/grammar.js';
import {
  BLOB_LIMIT,
  foreignRoll,
  Refusal,
  SimulatedBoard,
  SimulatedClient,
  type Manifest,
} from './simulator/simulator.js';

const manifest = JSON.parse(readFileSync(new URL('../manifest.json', import.meta.url), 'utf8')) as Manifest;
const player = { id: 'player-1', name: 'Alrik' };

function onBoard(): { client: SimulatedClient; board: SimulatedBoard; events: Array<[string, any]> } {
  const board = new SimulatedBoard('board-1', { id: 'campaign-1', name: 'Aventurien' });
  const client = new SimulatedClient(manifest, player, 'client-1');
  const events: Array<[string, any]> = [];
  client.deliver = (handler, event) => events.push([handler, event]);
  client.joinBoard(board);
  events.length = 0;
  return { client, board, events };
}

describe(SimulatedClient.name, () => {
  it('fires hasInitialized at the handler the manifest names', () => {
    const { client, events } = onBoard();
    client.initialized();
    expect(events).toEqual([[manifest.api!.subscriptions!.symbiote.onStateChangeEvent, { kind: 'hasInitialized' }]]);
  });

  it('injects nothing without api.version: every call is refused', async () => {
    const bare = new SimulatedClient({}, player);
    await expect(bare.call('clients.whoAmI', [])).rejects.toEqual(new Refusal('apiNotInjected'));
  });

  it('returns a roll id from putDiceInTray and delivers the chosen faces as TaleSpire result trees', async () => {
    const { client, events } = onBoard();
    const rollId = await client.call('dice.putDiceInTray', [[{ name: 'Klettern', roll: '3d20' }], false]);
    expect(typeof rollId).toBe('string');
    expect(client.throwDice([4, 9, 13])).toBe(rollId);
    const [handler, event] = events[0];
    expect(handler).toBe('tsOnRollResults');
    expect(event).toEqual({
      kind: 'rollResults',
      payload: {
        rollId,
        clientId: 'client-1',
        gmOnly: false,
        quiet: false,
        resultsGroups: [{ name: 'Klettern', result: { kind: 'd20', results: [4, 9, 13] } }],
      },
    });
  });

  it('builds binary operator nodes for chained terms and honours minus', async () => {
    const { client, events } = onBoard();
    await client.call('dice.putDiceInTray', [[{ name: 'Hit', roll: '1d20+5-1d4' }]]);
    client.throwDice([12, 3]);
    expect(events[0][1].payload.resultsGroups[0].result).toEqual({
      operator: '-',
      operands: [
        { operator: '+', operands: [{ kind: 'd20', results: [12] }, { value: 5 }] },
        { kind: 'd4', results: [3] },
      ],
    });
  });

  it.each([
    [[], 'noDiceSpecified'],
    [[{ name: 'x', roll: '' }], 'foundEmptyDiceGroup'],
    [[{ name: 'x', roll: '2d7' }], 'unsupportedSidesCount'],
    [[{ name: 'x', roll: '0d6' }], 'unsupportedDieCount'],
    [[{ name: 'x', roll: '5' }], 'noDiceSpecified'],
  ])('refuses the tray descriptors %j with %s', async (descriptors, cause) => {
    const { client } = onBoard();
    await expect(client.call('dice.putDiceInTray', [descriptors])).rejects.toEqual(new Refusal(cause));
  });

  it('refuses dice and campaign storage off a board', async () => {
    const client = new SimulatedClient(manifest, player);
    await expect(client.call('dice.putDiceInTray', [[{ name: 'a', roll: 'd6' }]])).rejects.toEqual(
      new Refusal('notInBoard'),
    );
    await expect(client.call('localStorage.campaign.getBlob', [])).rejects.toEqual(new Refusal('notInCampaign'));
    await expect(client.call('campaigns.whereAmI', [])).rejects.toEqual(new Refusal('notInCampaign'));
  });

  it('keeps one blob per scope, empty as null, with the 5 MB limit', async () => {
    const { client } = onBoard();
    expect(await client.call('localStorage.global.getBlob', [])).toBeNull();
    await client.call('localStorage.global.setBlob', ['{"a":1}']);
    await client.call('localStorage.campaign.setBlob', ['{"b":2}']);
    expect(await client.call('localStorage.global.getBlob', [])).toBe('{"a":1}');
    expect(await client.call('localStorage.campaign.getBlob', [])).toBe('{"b":2}');
    await expect(client.call('localStorage.global.setBlob', ['x'.repeat(BLOB_LIMIT + 1)])).rejects.toEqual(
      new Refusal('dataTooLarge'),
    );
    expect(await client.call('localStorage.global.getBlob', [])).toBe('{"a":1}');
  });

  it('delivers TS.sync to the board (the sender included) within 500 characters', async () => {
    const { client, board, events } = onBoard();
    const other = new SimulatedClient(manifest, { id: 'player-2', name: 'Layariel' }, 'client-2');
    const received: unknown[] = [];
    other.deliver = (_handler, event) => received.push(event);
    other.joinBoard(board);
    received.length = 0;
    await client.call('sync.send', ['hello', 'board']);
    expect(received).toEqual([
      { kind: 'syncMessageReceived', payload: { str: 'hello', fromClient: { id: 'client-1', player } } },
    ]);
    expect(events.map(([handler]) => handler)).toContain('tsOnSyncMessage');
    await expect(client.call('sync.send', ['x'.repeat(501), 'board'])).rejects.toEqual(new Refusal('messageTooLarge'));
    const noInterop = new SimulatedClient({ api: { version: '0.1' } }, player);
    noInterop.joinBoard(board);
    await expect(noInterop.call('sync.send', ['hi', 'board'])).rejects.toEqual(
      new Refusal('symbioteManifestMissingInteropId'),
    );
  });

  it('tells every client on the board about leaves and joins, and others’ rolls reach everyone', () => {
    const { client, board, events } = onBoard();
    client.leaveBoard();
    expect(events.at(-1)).toEqual([
      'tsOnClientEvent',
      { kind: 'clientLeftBoard', payload: { client: client.fragment } },
    ]);
    client.joinBoard(board);
    expect(events.at(-1)![1].kind).toBe('clientJoinedBoard');
    foreignRoll(board, 'client-9', [{ name: '', result: { kind: 'd20', results: [20] } }]);
    expect(events.at(-1)![1].payload.clientId).toBe('client-9');
  });

  it('sends rollRemoved for a roll dismissed unthrown', async () => {
    const { client, events } = onBoard();
    const rollId = await client.call('dice.putDiceInTray', [[{ name: 'a', roll: 'd6' }]]);
    expect(client.removeRoll()).toBe(rollId);
    expect(events.at(-1)![1]).toEqual({ kind: 'rollRemoved', payload: { rollId } });
  });
});

describe(parseRollString.name, () => {
  it('reads named groups separated by slashes, case-insensitively, with an omitted count meaning 1', () => {
    expect(parseRollString('Attack:D20+7/2d6')).toEqual([
      {
        name: 'Attack',
        terms: [
          { sign: 1, count: 1, sides: 20 },
          { sign: 1, value: 7 },
        ],
      },
      { name: '', terms: [{ sign: 1, count: 2, sides: 6 }] },
    ]);
  });
});
