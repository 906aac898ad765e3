/**
 * The realtime contract (SPEC §6): one typed map of the events the gateway pushes over `/v1/ws`, the envelope
 * they travel in, and the messages each side may send. Used by the host's gateway, the web app and the Symbiote.
 */

import type { OutcomeResult, OutcomeTone, ResolvedOutcome, RollOptions } from '@cm/ruleset-sdk';

/** The outcome and roll-option types are the SDK's (libs/ruleset-sdk), so plugins and clients share one definition. */
export type { LadderRung, OutcomeLadder, OutcomeResult, OutcomeTone, RollOptions } from '@cm/ruleset-sdk';

/** Any JSON value (plugin state values). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Where a roll can come from, in a stable order (the API's enum and the database's check use the same values). */
export const ROLL_SOURCES = ['server', 'talespire', 'discord'] as const;

/** Where a roll came from: rolled by the server (web app, sheet action), reported by the Symbiote from TaleSpire's tray, or `/roll` in Discord. */
export type RollSource = (typeof ROLL_SOURCES)[number];

/** How a ruleset may read a roll (the SDK's OutcomeResult), best first. */
export const ROLL_OUTCOME_RESULTS = [
  'critical',
  'success',
  'partial',
  'tie',
  'neutral',
  'failure',
  'botch',
] as const satisfies readonly OutcomeResult[];

/** How a ruleset read a roll: `partial` = success at a cost, `tie` = equal to the opposition, `neutral` = unrated. */
export type RollOutcomeResult = OutcomeResult;

/** How clients colour an outcome (the SDK's OutcomeTone): partial → mixed, tie and neutral → neutral. */
export const ROLL_OUTCOME_TONES = [
  'critical',
  'success',
  'mixed',
  'neutral',
  'failure',
  'botch',
] as const satisfies readonly OutcomeTone[];

/** The dice of one term of a rolled group: faces in roll order and, for keep rules, the dropped indices. */
export interface RollDiceSummary {
  sign: '+' | '-';
  sides: number;
  faces: number[];
  dropped?: number[];
}

/** One `/`-separated group of a roll: its dice, its net modifier and its total. */
export interface RollGroupSummary {
  name?: string;
  dice: RollDiceSummary[];
  modifier: number;
  total: number;
}

/**
 * How the character's ruleset read a roll, as clients show it: `label`, `tone` (colour), optional `value`, `detail`
 * line and `ladder` rung; `result` is the ruleset's kind (critical, success, partial, tie, neutral, failure, botch).
 */
export type RollOutcomeSummary = ResolvedOutcome;

/** `roll.created`: a roll was added to the group's log. `source: 'talespire'` marks client-reported results. */
export interface RollCreatedPayload {
  id: string;
  userId: string;
  characterId: string | null;
  label: string;
  notation: string;
  /** Sum of every kept die and the notation's constants (what a plain `2d6+3` totals); not a ruleset's result. */
  diceTotal: number;
  /**
   * The one number clients show for this roll: the outcome's `value` for a dice-action roll (null when the ruleset
   * gave none: show `outcome.label`), else `diceTotal`.
   */
  value: number | null;
  /** The dice per group; for a dice-action roll in the order of the action's dice string (what the ruleset read). */
  groups: RollGroupSummary[];
  source: RollSource;
  /** The modifier and target a dice-action roll was made with (absent when none was set). */
  options?: RollOptions;
  /** The ruleset's reading of a dice-action roll; null for plain notation rolls. */
  outcome: RollOutcomeSummary | null;
}

/** `character.updated`: a character in the group got a new sheet version; clients refetch it. */
export interface CharacterUpdatedPayload {
  characterId: string;
  version: number;
  name: string;
  updatedBy: string;
}

/**
 * `npc.changed`: the DM created, changed or deleted one of the group's NPCs; clients refetch the NPC list. Only
 * the id, the kind of change and whether players may see it travel (a hidden NPC's name never reaches players).
 */
export interface NpcChangedPayload {
  npcId: string;
  change: 'created' | 'updated' | 'deleted';
  revealed: boolean;
  version: number;
}

/** `character.resource_changed`: an atomic delta was applied to a resource (hp, ...); `value` is the result. */
export interface CharacterResourceChangedPayload {
  characterId: string;
  resource: string;
  value: number;
  delta: number;
  version: number;
  changedBy: string;
}

/** `character.assigned`: a character was brought into the group for a user (`active`: their current one). */
export interface CharacterAssignedPayload {
  characterId: string;
  userId: string;
  active: boolean;
}

/** `character.unassigned`: a character was taken out of the group. */
export interface CharacterUnassignedPayload {
  characterId: string;
  userId: string;
}

/** The roles in a group: exactly one `dm`, any number of `player`s. */
export const GROUP_ROLES = ['dm', 'player'] as const;

/** A member's role in a group. */
export type GroupRole = (typeof GROUP_ROLES)[number];

/** `member.joined`: a user joined through an invite. */
export interface MemberJoinedPayload {
  userId: string;
  displayName: string;
  role: GroupRole;
}

/** `member.left`: a member left the group on their own. */
export interface MemberLeftPayload {
  userId: string;
}

/** `member.removed`: the DM removed a member; that member's sockets leave the room at once. */
export interface MemberRemovedPayload {
  userId: string;
  removedBy: string;
}

/** `group.updated`: settings changed or the DM role was transferred; `changedFields` names what changed. */
export interface GroupUpdatedPayload {
  name: string;
  dmUserId: string;
  changedFields: string[];
}

/** `group.deleted`: the group is gone; the last event of its log, clients drop it. */
export interface GroupDeletedPayload {
  deletedBy: string;
}

/** `presence.changed`: a member came online or went offline (ephemeral, not stored in the log). */
export interface PresenceChangedPayload {
  userId: string;
  online: boolean;
}

/** The kinds of plugin: a ruleset (character sheets) or a feature (group panels and reactions). */
export const PLUGIN_KINDS = ['ruleset', 'feature'] as const;

/** A plugin's kind. */
export type PluginKind = (typeof PLUGIN_KINDS)[number];

/** What became of a plugin after a (re)load, in a stable order. */
export const PLUGIN_RELOAD_STATUSES = ['loaded', 'failed', 'quarantined'] as const;

/**
 * `loaded` serves the new version; `failed` keeps serving the previous one, if any; `quarantined`: the plugin
 * kept timing out, crashing or exceeding its memory, its calls fail fast (503 `plugin_quarantined`) until it is
 * retried after a back-off or its files change (then a `loaded` event follows).
 */
export type PluginReloadStatus = (typeof PLUGIN_RELOAD_STATUSES)[number];

/**
 * `plugin.reloaded`: a plugin was (re)built or quarantined while the host runs; clients showing its UI re-import
 * `uiUrl` (and show that it is unavailable while `status` is `quarantined`).
 * The same payload travels on the WebSocket (as a group event) and on the SSE stream `/v1/plugins/events`.
 */
export interface PluginReloadedPayload {
  pluginId: string;
  version: string;
  kind: PluginKind;
  status: PluginReloadStatus;
  /** The content-hashed UI bundle URL now served (null for a plugin without UI, or nothing served). */
  uiUrl: string | null;
  /** Why the reload failed (`status: 'failed'`) or the plugin was quarantined (`status: 'quarantined'`). */
  reason?: string;
}

/** `plugin.removed` (SSE stream only): the plugin's folder was removed and nothing of it is served any more. */
export interface PluginRemovedPayload {
  pluginId: string;
}

/** The events of the plugin stream `GET /v1/plugins/events` (Server-Sent Events: `event:` is the key, `data:` the JSON payload). */
export interface PluginStreamEventMap {
  'plugin.reloaded': PluginReloadedPayload;
  'plugin.removed': PluginRemovedPayload;
}

/** `plugin.state_changed`: a feature plugin's state for the group changed (`value: null` = deleted). */
export interface PluginStateChangedPayload {
  pluginId: string;
  key: string;
  value: JsonValue | null;
  changedBy: string | null;
}

/** Every realtime event type and its payload. Payloads are small and reference ids; clients refetch details. */
export interface RealtimeEventMap {
  'roll.created': RollCreatedPayload;
  'character.updated': CharacterUpdatedPayload;
  'character.resource_changed': CharacterResourceChangedPayload;
  'character.assigned': CharacterAssignedPayload;
  'character.unassigned': CharacterUnassignedPayload;
  'member.joined': MemberJoinedPayload;
  'member.left': MemberLeftPayload;
  'member.removed': MemberRemovedPayload;
  'group.updated': GroupUpdatedPayload;
  'group.deleted': GroupDeletedPayload;
  'presence.changed': PresenceChangedPayload;
  'plugin.reloaded': PluginReloadedPayload;
  'plugin.state_changed': PluginStateChangedPayload;
  'npc.changed': NpcChangedPayload;
}

/** The name of a realtime event. */
export type RealtimeEventType = keyof RealtimeEventMap;

const EVENT_TYPES: Record<RealtimeEventType, true> = {
  'roll.created': true,
  'character.updated': true,
  'character.resource_changed': true,
  'character.assigned': true,
  'character.unassigned': true,
  'member.joined': true,
  'member.left': true,
  'member.removed': true,
  'group.updated': true,
  'group.deleted': true,
  'presence.changed': true,
  'plugin.reloaded': true,
  'plugin.state_changed': true,
  'npc.changed': true,
};

/** Every realtime event type, in map order. */
export const REALTIME_EVENT_TYPES = Object.keys(EVENT_TYPES) as readonly RealtimeEventType[];

/** Event types that are pushed but never written to `group_events`: they carry no `seq` and are not replayed. */
export type EphemeralEventType = 'presence.changed';

/** Event types of the group's log (each with a gap-free `seq`). */
export type LoggedEventType = Exclude<RealtimeEventType, EphemeralEventType>;

export const EPHEMERAL_EVENT_TYPES: readonly EphemeralEventType[] = ['presence.changed'];

/** Whether a string is a known realtime event type. */
export function isRealtimeEventType(value: unknown): value is RealtimeEventType {
  return typeof value === 'string' && Object.hasOwn(EVENT_TYPES, value);
}

/**
 * The envelope of one event of a group: `createdAt` is ISO 8601; `seq` is per group and gap-free for events of
 * the log, and absent on ephemeral ones (presence), which are not in the log, never replayed and must not move
 * a client's last seen seq.
 */
export type GroupEvent<T extends RealtimeEventType = RealtimeEventType> = {
  groupId: string;
  type: T;
  payload: RealtimeEventMap[T];
  createdAt: string;
} & (T extends EphemeralEventType ? { seq?: undefined } : { seq: number });

/** Any event, as a union discriminated by `type` (so `switch (event.type)` narrows `payload`). */
export type AnyGroupEvent = { [T in RealtimeEventType]: GroupEvent<T> }[RealtimeEventType];

/** An event of the group's log (it has a `seq`). */
export type LoggedGroupEvent = { [T in LoggedEventType]: GroupEvent<T> }[LoggedEventType];

/** Whether an event is ephemeral (no seq, not replayed). */
export function isEphemeralEvent(event: AnyGroupEvent): event is GroupEvent<EphemeralEventType> {
  return (EPHEMERAL_EVENT_TYPES as readonly string[]).includes(event.type);
}

/** One group to subscribe to; `lastSeq` is the last seq the client saw (it then receives everything after it). */
export interface GroupSubscription {
  groupId: string;
  lastSeq?: number;
}

/** Client → server: join the rooms of these groups (only groups the user is a member of). */
export interface SubscribeMessage {
  type: 'subscribe';
  groups: GroupSubscription[];
}

/** Client → server: leave the rooms of these groups. */
export interface UnsubscribeMessage {
  type: 'unsubscribe';
  groupIds: string[];
}

/** Client → server: keep-alive; the server answers `pong`. */
export interface PingMessage {
  type: 'ping';
}

/** Any message a client may send. */
export type ClientMessage = SubscribeMessage | UnsubscribeMessage | PingMessage;

/** Server → client: one event of a subscribed group. */
export interface EventMessage {
  type: 'event';
  event: AnyGroupEvent;
}

/** Server → client: the subscription is live; `seq` is the group's current seq (missed events were sent before it). */
export interface SubscribedMessage {
  type: 'subscribed';
  groupId: string;
  seq: number;
}

/** Why a client must reload a group instead of replaying: its lastSeq is older than the retained log, or ahead of it. */
export type ResyncReason = 'too_far_behind' | 'seq_ahead';

/** Server → client: replay is impossible; refetch the group's state over HTTP and subscribe again without lastSeq. */
export interface ResyncRequiredMessage {
  type: 'resync_required';
  groupId: string;
  reason: ResyncReason;
}

/** Error codes sent over the socket; a group you may not see answers `not_found`, exactly like a missing one. */
export type RealtimeErrorCode = 'bad_message' | 'unauthenticated' | 'not_found' | 'rate_limited' | 'internal_error';

/** Server → client: a message was refused or failed (`groupId` when it concerns one group). */
export interface ErrorMessage {
  type: 'error';
  code: RealtimeErrorCode;
  message: string;
  groupId?: string;
}

/** Why the server ended a subscription: the user was removed or left, or the group was deleted. */
export type UnsubscribeReason = 'member.removed' | 'member.left' | 'group_deleted';

/** Server → client: the server closed the room of a group for this client; it receives nothing more of it. */
export interface UnsubscribedMessage {
  type: 'unsubscribed';
  groupId: string;
  reason: UnsubscribeReason;
}

/** Server → client: answer to `ping`. */
export interface PongMessage {
  type: 'pong';
}

/** Any message the server may send. */
export type ServerMessage =
  EventMessage | SubscribedMessage | ResyncRequiredMessage | UnsubscribedMessage | ErrorMessage | PongMessage;

/** Size limits the gateway enforces on client messages. */
export const REALTIME_LIMITS = {
  /** Longest client message, in characters of JSON text. */
  maxMessageChars: 16_384,
  /** Most groups in one subscribe/unsubscribe message. */
  maxGroupsPerMessage: 100,
} as const;

/**
 * WebSocket close codes the gateway uses. A client reconnects after each (with a fresh token after 4401/4402,
 * more slowly after 4029) and resumes from the last seq it saw; 1009 means it sent a message over the size limit.
 */
export const REALTIME_CLOSE_CODES = {
  /** The server is shutting down: reconnect (to another instance). */
  goingAway: 1001,
  /** A client message exceeded the size limit. */
  messageTooBig: 1009,
  /** The client fell more than the buffer limit behind: reconnect and resume. */
  slowConsumer: 4008,
  /** The client sent too many messages. */
  rateLimited: 4029,
  /** The token was missing or invalid. */
  unauthenticated: 4401,
  /** The access token expired: reconnect with a fresh one. */
  tokenExpired: 4402,
} as const;

/** The result of parsing a client message that was refused. */
export interface ClientMessageError {
  error: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Parses and validates a client message (raw JSON text or an already parsed value) without trusting it:
 * plain objects only, no unknown keys (`__proto__` included), UUID group ids, bounded arrays, no duplicates.
 * Returns a fresh object, never the input.
 */
export function parseClientMessage(json: unknown): ClientMessage | ClientMessageError {
  let value = json;
  if (typeof json === 'string') {
    if (json.length > REALTIME_LIMITS.maxMessageChars) {
      return { error: `message too large (max ${REALTIME_LIMITS.maxMessageChars} characters)` };
    }
    try {
      value = JSON.parse(json);
    } catch {
      return { error: 'message is not valid JSON' };
    }
  }
  if (!isPlainObject(value)) return { error: 'message must be a JSON object' };
  switch (value.type) {
    case 'ping':
      return onlyKeys(value, ['type'], 'message') ?? { type: 'ping' };
    case 'subscribe':
      return parseSubscribe(value);
    case 'unsubscribe':
      return parseUnsubscribe(value);
    default:
      return { error: 'type must be one of subscribe, unsubscribe, ping' };
  }
}

/** Whether parseClientMessage refused the message. */
export function isClientMessageError(result: ClientMessage | ClientMessageError): result is ClientMessageError {
  return Object.hasOwn(result, 'error');
}

function parseSubscribe(value: Record<string, unknown>): SubscribeMessage | ClientMessageError {
  const keys = onlyKeys(value, ['type', 'groups'], 'message');
  if (keys) return keys;
  const groups = boundedArray(value.groups, 'groups');
  if (!Array.isArray(groups)) return groups;
  const seen = new Set<string>();
  const parsed: GroupSubscription[] = [];
  for (const [index, entry] of groups.entries()) {
    const path = `groups[${index}]`;
    if (!isPlainObject(entry)) return { error: `${path} must be an object` };
    const unknown = onlyKeys(entry, ['groupId', 'lastSeq'], path);
    if (unknown) return unknown;
    const groupId = uuid(entry.groupId, `${path}.groupId`);
    if (typeof groupId !== 'string') return groupId;
    if (seen.has(groupId)) return { error: `${path}.groupId is a duplicate` };
    seen.add(groupId);
    if (!Object.hasOwn(entry, 'lastSeq')) {
      parsed.push({ groupId });
      continue;
    }
    const lastSeq = entry.lastSeq;
    if (typeof lastSeq !== 'number' || !Number.isSafeInteger(lastSeq) || lastSeq < 0) {
      return { error: `${path}.lastSeq must be a non-negative integer` };
    }
    parsed.push({ groupId, lastSeq });
  }
  return { type: 'subscribe', groups: parsed };
}

function parseUnsubscribe(value: Record<string, unknown>): UnsubscribeMessage | ClientMessageError {
  const keys = onlyKeys(value, ['type', 'groupIds'], 'message');
  if (keys) return keys;
  const ids = boundedArray(value.groupIds, 'groupIds');
  if (!Array.isArray(ids)) return ids;
  const groupIds: string[] = [];
  for (const [index, entry] of ids.entries()) {
    const groupId = uuid(entry, `groupIds[${index}]`);
    if (typeof groupId !== 'string') return groupId;
    if (groupIds.includes(groupId)) return { error: `groupIds[${index}] is a duplicate` };
    groupIds.push(groupId);
  }
  return { type: 'unsubscribe', groupIds };
}

function boundedArray(value: unknown, path: string): unknown[] | ClientMessageError {
  if (!Array.isArray(value)) return { error: `${path} must be an array` };
  if (value.length === 0) return { error: `${path} must not be empty` };
  if (value.length > REALTIME_LIMITS.maxGroupsPerMessage) {
    return { error: `${path} has too many entries (max ${REALTIME_LIMITS.maxGroupsPerMessage})` };
  }
  return value as unknown[];
}

function uuid(value: unknown, path: string): string | ClientMessageError {
  if (typeof value !== 'string' || !UUID.test(value)) return { error: `${path} must be a UUID` };
  return value.toLowerCase();
}

function onlyKeys(
  value: Record<string, unknown>,
  allowed: readonly string[],
  path: string,
): ClientMessageError | undefined {
  const extra = Object.keys(value).find((key) => !allowed.includes(key));
  return extra === undefined
    ? undefined
    : { error: `${path} has an unknown field ${JSON.stringify(extra.slice(0, 40))}` };
}

/** Plain JSON objects only (prototype Object.prototype or null), so class instances and arrays are refused. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
