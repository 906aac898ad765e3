import type { JsonValue } from './json.js';
import type { DiceAction, FieldError, ResolvedOutcome, RollOptions, Sheet, StatBlock } from './ruleset.js';

/** What a sheet's roll callback resolves with: the dice as read and the ruleset's outcome. */
export interface RollResultForUi {
  actionId: string;
  /** What was rolled, in normal form, e.g. `3d20` or `Attack:1d20+5`. */
  notation: string;
  /** Every face in the order of the dice string, exactly what `resolveRoll` received. */
  faces: number[];
  /** Sum of the dice and the dice string's constants: the figure of a plain roll, rarely a ruleset's result. */
  diceTotal: number;
  /** The one number to show for this roll: the outcome's `value`; null when the ruleset gave none (show the label). */
  value: number | null;
  /** The ruleset's reading of the roll, with its tone. */
  outcome: ResolvedOutcome;
  /** The options the roll was resolved with. */
  options: RollOptions;
  /** The roll's id in the group's roll log, when the client recorded it there (absent in the playground). */
  rollId?: string;
}

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
  /**
   * Asks the client to roll one of `diceActions` (with a modifier and/or target); resolves with the result once the
   * dice are read and resolved, rejects with an Error whose message the client already showed when the roll failed or
   * was refused. It may stay pending while the player has not thrown TaleSpire's dice yet.
   */
  onRoll: (actionId: string, options?: RollOptions) => Promise<RollResultForUi>;
}

/** A mounted UI: update it with new props, destroy it when done. */
export interface MountedUi<P> {
  /** Receives only the props that changed (the client validated an edit, a reload brought new actions). */
  update: (props: Partial<P>) => void;
  /** Removes every element, listener and timer the UI added; the client calls it before unmounting or reloading. */
  destroy: () => void;
}

/** The default export of a ruleset's `entry.ui` module: framework-agnostic. */
export interface SheetUiModule<S extends Sheet = Sheet> {
  /** Renders into `target` (an empty element the client owns) and returns the handle; a throw shows an error card. */
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
  /** Renders into `target` and returns the handle; a throw shows an error card. */
  mount: (target: HTMLElement, props: PanelUiProps) => MountedUi<PanelUiProps>;
}
