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
  const failed = plugins.data.filter((p) => p.status === 'failed' || p.lastReloadError);
  $('failed').replaceChildren(
    ...failed.map((p) => {
      const li = document.createElement('li');
      li.className = 'failed';
      li.textContent = `${p.id}: ${p.errors.join('; ')}`;
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
  state.mounted?.destroy();
  state.mounted = null;
  $('sheet-host').replaceChildren();
  if (!ruleset.ui) return setStatus(`${ruleset.name} has no UI module.`);
  const module = await import(ruleset.ui.url);
  state.uiUrl = ruleset.ui.url;
  const derived = await derive(state.sheet);
  state.mounted = module.default.mount($('sheet-host'), {
    sheet: state.sheet,
    editable: true,
    ...derived,
    onChange: (sheet) => onEdit(sheet),
    onRoll: (actionId) => roll(actionId),
  });
  document.body.dataset.mountedUrl = ruleset.ui.url;
  setStatus(`${ruleset.name} ${ruleset.version} — UI ${ruleset.ui.url}`);
  render(derived);
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
  state.mounted?.update(derived);
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
  $('dice').replaceChildren(...derived.diceActions.map((a) => item(`${a.label} (${a.diceString})`, () => roll(a.id))));
}

/** Rolls the action's dice client-side with the Web Crypto RNG and asks the ruleset what the faces mean. */
async function roll(actionId) {
  const action = state.derived.diceActions.find((a) => a.id === actionId);
  if (!action) return;
  const faces = [];
  for (const group of action.diceString.split('/')) {
    for (const [, count, sides] of group.matchAll(/(\d*)d(\d+)/g)) {
      for (let i = 0; i < Number(count || 1); i++) faces.push(randomInt(Number(sides)) + 1);
    }
  }
  const result = await api('POST', `/rulesets/${state.ruleset.id}/resolve-roll`, {
    sheet: state.sheet,
    actionId,
    faces,
  });
  $('outcome').textContent = result.ok
    ? `${action.label}: [${faces.join(', ')}] → ${result.data.label}${result.data.total !== undefined ? ` (total ${result.data.total})` : ''}`
    : `${action.label}: ${result.data?.detail ?? 'failed'}`;
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
  state.panel?.destroy();
  $('panel-host').replaceChildren();
  const module = await import(plugin.ui.url);
  state.panel = module.default.mount($('panel-host'), {
    groupId: 'playground',
    userId: 'playground-user',
    isDm: $('as-dm').checked,
    state: state.featureState,
    callAction: (action, input) => tryAction(id, action, input),
  });
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
