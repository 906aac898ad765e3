// The plugin playground: mounts a ruleset's UI bundle with the live API behind it and follows hot reloads.
// Plain browser JavaScript on purpose (no build step): it is what a plugin author opens while editing.
const $ = (id) => document.getElementById(id);
const state = {
  ruleset: null,
  sheet: null,
  mounted: null,
  uiUrl: null,
  validation: 0,
  feature: null,
  panel: null,
  featureState: {},
};

async function api(method, path, body) {
  const response = await fetch(`/v1${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await response.json().catch(() => null);
  return { ok: response.ok, status: response.status, data };
}

function item(text, onClick, current = false) {
  const li = document.createElement('li');
  const button = document.createElement('button');
  button.textContent = text;
  button.setAttribute('aria-current', String(current));
  button.addEventListener('click', onClick);
  li.append(button);
  return li;
}

async function loadCatalog() {
  const [rulesets, plugins] = await Promise.all([api('GET', '/rulesets'), api('GET', '/plugins')]);
  $('rulesets').replaceChildren(
    ...rulesets.data.map((r) => item(`${r.name} ${r.version}`, () => select(r.id), state.ruleset?.id === r.id)),
  );
  $('rulesets')
    .querySelectorAll('button')
    .forEach((b, i) => (b.dataset.ruleset = rulesets.data[i].id));
  const features = plugins.data.filter((p) => p.kind === 'feature' && p.status === 'loaded');
  $('features').replaceChildren(
    ...features.map((p) => item(`${p.name} ${p.version}`, () => selectFeature(p.id), state.feature?.id === p.id)),
  );
  const failed = plugins.data.filter((p) => p.status !== 'loaded' || p.lastReloadError);
  $('failed').replaceChildren(
    ...failed.map((p) => {
      const li = document.createElement('li');
      li.className = 'failed';
      const quarantined = p.status === 'quarantined' ? ` (quarantined until ${p.quarantinedUntil})` : '';
      li.textContent = `${p.id}${quarantined}: ${p.errors.join('; ')}`;
      return li;
    }),
  );
  return rulesets.data;
}

async function select(id, keepSheet = false) {
  const { data: ruleset, ok } = await api('GET', `/rulesets/${id}`);
  if (!ok) return setStatus(`Ruleset ${id} is not loaded.`);
  if (!keepSheet || !state.sheet) state.sheet = (await api('GET', `/rulesets/${id}/default-sheet`)).data;
  state.ruleset = ruleset;
  await mount();
  await loadCatalog();
}

async function mount() {
  const { ruleset } = state;
  unmount();
  const derived = await derive(state.sheet);
  if (!ruleset.ui) {
    // Without a UI the side panel still validates the sheet and rolls its dice actions.
    state.uiUrl = null;
    render(derived);
    return setStatus(`${ruleset.name} ${ruleset.version} has no UI module: roll its dice actions on the right.`);
  }
  state.uiUrl = ruleset.ui.url;
  const target = $('sheet-host');
  const before = snapshot();
  try {
    const module = await import(ruleset.ui.url);
    state.mounted = module.default.mount(target, {
      sheet: state.sheet,
      editable: true,
      ...derived,
      onChange: (sheet) => onEdit(sheet),
      onRoll: (actionId, options) => roll(actionId, options),
    });
    if (typeof state.mounted?.update !== 'function' || typeof state.mounted?.destroy !== 'function')
      throw new Error('mount() must return { update, destroy }');
  } catch (error) {
    state.mounted = null;
    leaveNothingBehind(target, before);
    showUiError(target, `The sheet UI of ${ruleset.name} ${ruleset.version} failed to mount`, error);
    render(derived);
    return;
  }
  document.body.dataset.mountedUrl = ruleset.ui.url;
  setStatus(`${ruleset.name} ${ruleset.version} — UI ${ruleset.ui.url}`);
  render(derived);
}

/** Destroys the mounted UI (a throwing destroy is reported, not fatal) and empties its element. */
function unmount() {
  try {
    state.mounted?.destroy();
  } catch (error) {
    console.error('The sheet UI threw in destroy()', error);
  }
  state.mounted = null;
  delete document.body.dataset.mountedUrl;
  delete document.body.dataset.uiError;
  $('sheet-host').replaceChildren();
}

/** The element children of <head> and <body> before a mount, to remove what a failed mount added. */
function snapshot() {
  return new Set([...document.head.children, ...document.body.children]);
}

/** After a UI threw: empty its element and remove elements it appended to <head> or <body> (styles, overlays). */
function leaveNothingBehind(target, before) {
  target.replaceChildren();
  for (const element of [...document.head.children, ...document.body.children])
    if (!before.has(element)) element.remove();
}

/** An error card in place of the UI; the page keeps working (pick another ruleset, fix the file and save). */
function showUiError(target, title, error) {
  const card = document.createElement('div');
  card.className = 'error-card';
  card.setAttribute('role', 'alert');
  card.dataset.testid = 'ui-error';
  const heading = document.createElement('strong');
  heading.textContent = title;
  const message = document.createElement('pre');
  message.textContent = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const hint = document.createElement('p');
  hint.textContent = 'Fix the UI module and save: the playground reloads it. The browser console has the stack.';
  card.append(heading, message, hint);
  target.replaceChildren(card);
  document.body.dataset.uiError = message.textContent;
  setStatus(title);
  console.error(title, error);
}

/** Validation errors, stat blocks and dice actions for a sheet (stat blocks and actions only when valid). */
async function derive(sheet) {
  const id = state.ruleset.id;
  const validation = await api('POST', `/rulesets/${id}/validate`, { sheet });
  const errors = validation.ok
    ? validation.data.errors
    : [{ path: '', message: validation.data?.detail ?? 'validation failed' }];
  if (errors.length > 0)
    return { errors, statBlocks: state.derived?.statBlocks ?? [], diceActions: state.derived?.diceActions ?? [] };
  const [blocks, actions] = await Promise.all([
    api('POST', `/rulesets/${id}/stat-blocks`, { sheet }),
    api('POST', `/rulesets/${id}/dice-actions`, { sheet }),
  ]);
  return { errors, statBlocks: blocks.data?.statBlocks ?? [], diceActions: actions.data?.diceActions ?? [] };
}

async function onEdit(sheet) {
  state.sheet = sheet;
  const ticket = ++state.validation;
  const derived = await derive(sheet);
  if (ticket !== state.validation) return; // a newer edit is in flight
  try {
    state.mounted?.update(derived);
  } catch (error) {
    unmount();
    showUiError($('sheet-host'), `The sheet UI of ${state.ruleset.name} failed in update()`, error);
  }
  render(derived);
}

function render(derived) {
  state.derived = derived;
  $('sheet-json').textContent = JSON.stringify(state.sheet, null, 2);
  $('errors').replaceChildren(
    ...derived.errors.map((e) => {
      const li = document.createElement('li');
      li.textContent = `${e.path || '(sheet)'}: ${e.message}`;
      return li;
    }),
  );
  $('dice').replaceChildren(
    ...derived.diceActions.map((a) => item(`${a.label} (${a.diceString})`, () => roll(a.id).catch(() => {}))),
  );
}

/**
 * Rolls the action's dice client-side with the Web Crypto RNG, asks the ruleset what the faces mean and resolves
 * with the SDK's RollResultForUi (what a sheet's `onRoll` promise gets). Options from the UI win over the inputs.
 */
async function roll(actionId, fromUi) {
  const action = state.derived.diceActions.find((a) => a.id === actionId);
  if (!action) return fail(`The sheet has no dice action "${actionId}"`);
  const options = fromUi ?? formOptions();
  const dice = rollDice(action.diceString);
  const result = await api('POST', `/rulesets/${state.ruleset.id}/resolve-roll`, {
    sheet: state.sheet,
    actionId,
    faces: dice.faces,
    ...options,
  });
  if (!result.ok) return fail(`${action.label}: ${result.data?.detail ?? `failed (${result.status})`}`);
  const outcome = result.data;
  const rolled = {
    actionId,
    notation: action.diceString,
    faces: dice.faces,
    diceTotal: dice.total,
    value: outcome.value ?? null,
    outcome,
    options,
  };
  showOutcome(action, rolled);
  return rolled;
}

function fail(message) {
  $('outcome').replaceChildren(message);
  $('outcome').dataset.tone = 'failure';
  return Promise.reject(new Error(message));
}

/** The modifier and target typed into the side panel (empty inputs are not sent). */
function formOptions() {
  const options = {};
  for (const key of ['modifier', 'target']) {
    const text = $(`roll-${key}`).value.trim();
    if (text !== '') options[key] = Number(text);
  }
  return options;
}

/** Faces for every die of a dice string in order (keep rules roll all their dice) and the summed total. */
function rollDice(diceString) {
  const faces = [];
  let total = 0;
  for (const group of diceString.split('/')) {
    const body = group.includes(':') ? group.slice(group.indexOf(':') + 1) : group;
    for (const [, sign, count, sides, keep, constant] of body.matchAll(
      /([+-]?)\s*(?:(\d*)d(\d+)(k[hl]?\d+)?|(\d+))/gi,
    )) {
      const direction = sign === '-' ? -1 : 1;
      if (constant !== undefined) {
        total += direction * Number(constant);
        continue;
      }
      const rolled = Array.from({ length: Number(count || 1) }, () => randomInt(Number(sides)) + 1);
      faces.push(...rolled);
      total += direction * kept(rolled, keep).reduce((a, b) => a + b, 0);
    }
  }
  return { faces, total };
}

function kept(faces, keep) {
  if (!keep) return faces;
  const n = Number(keep.replace(/\D/g, ''));
  const sorted = [...faces].sort((a, b) => (/kl/i.test(keep) ? a - b : b - a));
  return sorted.slice(0, n);
}

/** The generic outcome every client shows: label and tone, the value, a detail line, a ladder rung. */
function showOutcome(action, rolled) {
  const { outcome } = rolled;
  const box = $('outcome');
  box.dataset.tone = outcome.tone;
  const line = (text, className) => {
    const element = document.createElement('div');
    element.className = className;
    element.textContent = text;
    return element;
  };
  const parts = [line(action.label, 'action'), line(outcome.label, 'label')];
  if (rolled.value !== null) parts.push(line(String(rolled.value), 'value'));
  if (outcome.detail) parts.push(line(outcome.detail, 'detail'));
  if (outcome.ladder) parts.push(line(`rung ${outcome.ladder.rung}: ${outcome.ladder.name}`, 'detail'));
  parts.push(line(`faces [${rolled.faces.join(', ')}] · dice total ${rolled.diceTotal}`, 'faces'));
  box.replaceChildren(...parts);
}

function randomInt(max) {
  const limit = Math.floor(0x1_0000_0000 / max) * max;
  const buffer = new Uint32Array(1);
  do crypto.getRandomValues(buffer);
  while (buffer[0] >= limit);
  return buffer[0] % max;
}

function setStatus(text) {
  $('status').textContent = text;
}

/**
 * Feature panels run against a local, simulated group: the panel's actions go to the stateless trial endpoint
 * with this page's state, two demo characters (with the shown ruleset's initiative action) and a DM toggle.
 */
async function selectFeature(id, keepState = false) {
  const plugin = (await api('GET', '/plugins')).data.find((p) => p.id === id);
  if (!plugin?.ui) return setStatus(`Feature plugin ${id} has no panel UI.`);
  if (!keepState) state.featureState = {};
  state.feature = { id, uiUrl: plugin.ui.url };
  try {
    state.panel?.destroy();
  } catch (error) {
    console.error('The panel UI threw in destroy()', error);
  }
  state.panel = null;
  const target = $('panel-host');
  target.replaceChildren();
  const before = snapshot();
  try {
    const module = await import(plugin.ui.url);
    state.panel = module.default.mount(target, {
      groupId: 'playground',
      userId: 'playground-user',
      isDm: $('as-dm').checked,
      state: state.featureState,
      callAction: (action, input) => tryAction(id, action, input),
    });
  } catch (error) {
    state.panel = null;
    leaveNothingBehind(target, before);
    showUiError(target, `The panel UI of ${plugin.name} ${plugin.version} failed to mount`, error);
  }
  document.body.dataset.panelUrl = plugin.ui.url;
  await loadCatalog();
}

async function tryAction(pluginId, action, input) {
  const characters = await demoCharacters();
  const result = await api('POST', `/plugins/${pluginId}/try/actions/${action}`, {
    input,
    state: state.featureState,
    isDm: $('as-dm').checked,
    characters,
  });
  if (!result.ok) throw new Error(result.data?.detail ?? `action failed (${result.status})`);
  state.featureState = result.data.state;
  state.panel?.update({ state: state.featureState });
  return result.data.reply;
}

/** Two characters of the shown ruleset, with its initiative action when it has one. */
async function demoCharacters() {
  const initiative = state.derived?.diceActions.find((a) => a.category === 'initiative') ?? null;
  const rulesetId = state.ruleset?.id ?? 'none';
  return ['Alrik', 'Bosper'].map((name, index) => ({
    id: `demo-${index + 1}`,
    name,
    ownerId: `demo-player-${index + 1}`,
    rulesetId,
    initiative: initiative && { label: initiative.label, diceString: initiative.diceString },
  }));
}

/** Hot reload: when the shown plugin is rebuilt, re-import its new hashed URL and remount with the current sheet. */
function listen() {
  const events = new EventSource('/v1/plugins/events');
  events.addEventListener('plugin.reloaded', async (message) => {
    const event = JSON.parse(message.data);
    if (state.ruleset?.id === event.pluginId && event.uiUrl !== state.uiUrl) await select(event.pluginId, true);
    else if (state.feature?.id === event.pluginId && event.uiUrl !== state.feature.uiUrl)
      await selectFeature(event.pluginId, true);
    else await loadCatalog();
  });
  events.addEventListener('plugin.removed', () => loadCatalog());
  events.addEventListener('open', () => (document.body.dataset.events = 'open'));
}

$('as-dm').addEventListener('change', () => state.panel?.update({ isDm: $('as-dm').checked }));
listen();
const rulesets = await loadCatalog();
const wanted = new URLSearchParams(location.search).get('ruleset');
if (wanted || rulesets.length > 0) await select(wanted ?? rulesets[0].id);
