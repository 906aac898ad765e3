import { randomUUID } from 'node:crypto';
import { parseGroup, Refusal, type ParsedGroup } from './grammar.js';
import type { ClientFragment, RollNode, RollResultsGroup } from '../../src/talespire/types.js';

/** The Symbiote manifest fields the simulator reads (subscriptions name the global handlers). */
export interface Manifest {
  api?: { version?: string; subscriptions?: Record<string, Record<string, string>>; interop?: { id?: string } };
}

/** TaleSpire's storage limit per blob. */
export const BLOB_LIMIT = 5 * 1024 * 1024;
/** TaleSpire's sync limit (JavaScript characters). */
export const SYNC_LIMIT = 500;

export { Refusal };

interface TrayRoll {
  rollId: string;
  groups: ParsedGroup[];
  quiet: boolean;
}

/** A board: the clients on it see each other's rolls, sync messages and joins/leaves. */
export class SimulatedBoard {
  readonly clients = new Set<SimulatedClient>();
  constructor(
    readonly id: string,
    readonly campaign: { id: string; name: string } | null,
  ) {}

  broadcast(category: string, source: string, event: unknown, except?: SimulatedClient): void {
    for (const client of this.clients) if (client !== except) client.emit(category, source, event);
  }
}

/**
 * One TaleSpire client with the Symbiote open, kept on the test's side: every `TS.*` call of the page lands in
 * `call()` (through a binding), and events go to the handlers the manifest names through `deliver`.
 * Storage survives page reloads (it lives here, like TaleSpire's files).
 */
export class SimulatedClient {
  readonly fragment: ClientFragment;
  board: SimulatedBoard | null = null;
  /** `global` and `campaign:<id>` blobs. */
  readonly storage = new Map<string, string>();
  /** Every call the page made, in order (`dice.putDiceInTray`…), with its arguments. */
  readonly calls: Array<{ method: string; args: unknown[] }> = [];
  readonly tray: TrayRoll[] = [];
  deliver: (handler: string, event: unknown) => void = () => undefined;

  constructor(
    readonly manifest: Manifest,
    player: { id: string; name: string },
    id: string = randomUUID(),
  ) {
    this.fragment = { id, player };
  }

  /** The handler name the manifest subscribes for a source, or undefined (then TaleSpire calls nothing). */
  handlerFor(category: string, source: string): string | undefined {
    return this.manifest.api?.subscriptions?.[category]?.[source];
  }

  emit(category: string, source: string, event: unknown): void {
    const handler = this.handlerFor(category, source);
    if (handler) this.deliver(handler, event);
  }

  /** Fired by the page shim after load: `symbiote.onStateChangeEvent` → hasInitialized. */
  initialized(): void {
    this.emit('symbiote', 'onStateChangeEvent', { kind: 'hasInitialized' });
  }

  /** One `TS.<category>.<name>(...args)` call; resolves with its value or throws a Refusal. */
  async call(method: string, args: unknown[]): Promise<unknown> {
    this.calls.push({ method, args });
    if (!this.manifest.api?.version) throw new Refusal('apiNotInjected');
    const [scope, store, op] = method.split('.');
    if (scope === 'localStorage') return this.blob(store as 'global' | 'campaign', op, args[0]);
    switch (method) {
      case 'clients.whoAmI':
        return this.fragment;
      case 'clients.isMe':
        return args[0] === this.fragment.id;
      case 'players.whoAmI':
        return this.fragment.player;
      case 'campaigns.whereAmI':
        if (!this.board?.campaign) throw new Refusal('notInCampaign');
        return this.board.campaign;
      case 'boards.whereAmI':
        if (!this.board) throw new Refusal('notInBoard');
        return { id: this.board.id, name: `Board ${this.board.id}` };
      case 'dice.isValidRollString':
        return validRollString(String(args[0]));
      case 'dice.makeRollDescriptors':
        return String(args[0])
          .split('/')
          .map((roll) => ({ name: '', roll }));
      case 'dice.putDiceInTray':
        return this.putDiceInTray(args[0], Boolean(args[1]));
      case 'sync.send':
        return this.syncSend(args[0], args[1]);
      case 'debug.log':
        return undefined;
      default:
        throw new Refusal('unknownCall');
    }
  }

  private blob(scope: 'global' | 'campaign', op: string, value: unknown): string | null | undefined {
    if (scope === 'campaign' && !this.board?.campaign) throw new Refusal('notInCampaign');
    const key = scope === 'global' ? 'global' : `campaign:${this.board!.campaign!.id}`;
    if (op === 'getBlob') return this.storage.get(key) ?? null;
    if (op === 'deleteBlob') {
      this.storage.delete(key);
      return undefined;
    }
    if (op !== 'setBlob' || typeof value !== 'string') throw new Refusal('invalidArgument');
    if (Buffer.byteLength(value, 'utf8') > BLOB_LIMIT) throw new Refusal('dataTooLarge');
    this.storage.set(key, value);
    return undefined;
  }

  private putDiceInTray(descriptors: unknown, quiet: boolean): string {
    if (!this.board) throw new Refusal('notInBoard');
    if (!Array.isArray(descriptors) || descriptors.length === 0) throw new Refusal('noDiceSpecified');
    const groups = descriptors.map((descriptor: { name?: unknown; roll?: unknown }) => {
      if (typeof descriptor?.roll !== 'string') throw new Refusal('foundEmptyDiceGroup');
      return parseGroup(descriptor.roll, typeof descriptor.name === 'string' ? descriptor.name : '');
    });
    const rollId = randomUUID();
    this.tray.push({ rollId, groups, quiet });
    return rollId;
  }

  private syncSend(message: unknown, target: unknown): undefined {
    if (!this.manifest.api?.interop?.id) throw new Refusal('symbioteManifestMissingInteropId');
    if (typeof message !== 'string' || message.length > SYNC_LIMIT) throw new Refusal('messageTooLarge');
    if (!this.board) throw new Refusal('notConnected');
    const event = { kind: 'syncMessageReceived', payload: { str: message, fromClient: this.fragment } };
    const recipients = [...this.board.clients].filter(
      (client) => target === 'board' || target === 'gms' || client.fragment.id === target,
    );
    if (recipients.length === 0) throw new Refusal('invalidTarget');
    // Broadcasts reach the sender too (the reference: filter with clients.isMe).
    for (const client of recipients) client.emit('sync', 'onSyncMessage', event);
    return undefined;
  }

  /**
   * The player throws the oldest roll in the tray with chosen faces (in dice order); every client on the board
   * gets `rollResults`. Returns the roll id.
   */
  throwDice(faces: number[], options: { rollId?: string; gmOnly?: boolean } = {}): string {
    const index = options.rollId ? this.tray.findIndex((roll) => roll.rollId === options.rollId) : 0;
    const roll = this.tray.splice(index, 1)[0];
    if (!roll || !this.board) throw new Error('Nothing in the tray to throw');
    const queue = [...faces];
    const resultsGroups = roll.groups.map((group) => ({ name: group.name, result: resultTree(group, queue) }));
    const payload = {
      rollId: roll.rollId,
      clientId: this.fragment.id,
      resultsGroups,
      gmOnly: options.gmOnly ?? false,
      quiet: roll.quiet,
    };
    this.board.broadcast('dice', 'onRollResults', { kind: 'rollResults', payload });
    return roll.rollId;
  }

  /** The player dismisses the oldest tray roll unthrown. */
  removeRoll(): string {
    const roll = this.tray.shift();
    if (!roll) throw new Error('Nothing in the tray');
    this.board?.broadcast('dice', 'onRollResults', { kind: 'rollRemoved', payload: { rollId: roll.rollId } });
    return roll.rollId;
  }

  /** Leaves the current board (every client there, this one included, sees `clientLeftBoard`). */
  leaveBoard(): void {
    const board = this.board;
    if (!board) return;
    board.broadcast('clients', 'onClientEvent', { kind: 'clientLeftBoard', payload: { client: this.fragment } });
    board.clients.delete(this);
    this.board = null;
  }

  /** Joins a board (this client and the ones there see `clientJoinedBoard`). */
  joinBoard(board: SimulatedBoard): void {
    if (this.board) this.leaveBoard();
    board.clients.add(this);
    this.board = board;
    board.broadcast('clients', 'onClientEvent', { kind: 'clientJoinedBoard', payload: { client: this.fragment } });
  }
}

/** A result tree as TaleSpire builds it: binary operator nodes over per-term dice and value nodes. */
function resultTree(group: ParsedGroup, faces: number[]): RollNode {
  const nodes = group.terms.map((term): { sign: 1 | -1; node: RollNode } => {
    if ('value' in term) return { sign: term.sign, node: { value: term.value } };
    const results = Array.from(
      { length: term.count },
      () => faces.shift() ?? 1 + Math.floor(Math.random() * term.sides),
    );
    return { sign: term.sign, node: { kind: `d${term.sides}`, results } };
  });
  let tree: RollNode = nodes[0].sign < 0 ? { operator: '-', operands: [{ value: 0 }, nodes[0].node] } : nodes[0].node;
  for (const { sign, node } of nodes.slice(1)) tree = { operator: sign < 0 ? '-' : '+', operands: [tree, node] };
  return tree;
}

function validRollString(text: string): boolean {
  try {
    text.split('/').forEach((part) => parseGroup(part.includes(':') ? part.slice(part.indexOf(':') + 1) : part));
    return true;
  } catch {
    return false;
  }
}

/** A roll by another player's client on the board (the Symbiote must ignore it). */
export function foreignRoll(board: SimulatedBoard, clientId: string, resultsGroups: RollResultsGroup[]): string {
  const rollId = randomUUID();
  board.broadcast('dice', 'onRollResults', {
    kind: 'rollResults',
    payload: { rollId, clientId, resultsGroups, gmOnly: false, quiet: false },
  });
  return rollId;
}
