import type { JsonValue } from './json.js';
import type { DiceAction, FieldError, Sheet, StatBlock } from './ruleset.js';

/** What a sheet UI is given: data and callbacks, nothing else. */
export interface SheetUiProps<S extends Sheet = Sheet> {
  sheet: S;
  editable: boolean;
  /** Derived values computed by the server for the current sheet. */
  statBlocks: StatBlock[];
  diceActions: DiceAction[];
  /** Server validation errors for the current sheet. */
  errors: FieldError[];
  /** Called with the whole edited sheet after each edit. */
  onChange: (sheet: S) => void;
  /** Called when the user asks for a roll of one of the sheet's dice actions. */
  onRoll: (actionId: string) => void;
}

/** A mounted UI: update it with new props, destroy it when done. */
export interface MountedUi<P> {
  update: (props: Partial<P>) => void;
  destroy: () => void;
}

/** The default export of a ruleset's `entry.ui` module: framework-agnostic. */
export interface SheetUiModule<S extends Sheet = Sheet> {
  mount: (target: HTMLElement, props: SheetUiProps<S>) => MountedUi<SheetUiProps<S>>;
}

/** What a feature panel is given inside a group view. */
export interface PanelUiProps {
  groupId: string;
  userId: string;
  isDm: boolean;
  /** The plugin's state in this group, kept current by the host. */
  state: Record<string, JsonValue>;
  /** Calls one of the plugin's server actions; resolves with its reply or rejects with a problem. */
  callAction: (action: string, input: JsonValue) => Promise<JsonValue>;
}

/** The default export of a feature plugin's `entry.ui` module. */
export interface PanelUiModule {
  mount: (target: HTMLElement, props: PanelUiProps) => MountedUi<PanelUiProps>;
}
