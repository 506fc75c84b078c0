/**
 * The console's keyboard shortcuts: one table that both the key handler and the `?`
 * overlay read, so the list shown is the list that works (docs/console.md).
 */
import { t } from "../strings";

export type ShortcutAction =
  | "next"
  | "previous"
  | "open"
  | "reply"
  | "note"
  | "resolve"
  | "assignToMe"
  | "viewMine"
  | "viewUnassigned"
  | "viewAll"
  | "help"
  | "escape";

export interface Shortcut {
  /** KeyboardEvent.key values; the first is shown in the overlay. */
  keys: readonly string[];
  action: ShortcutAction;
  /** Also when typing in a text field (only Escape). */
  inFields?: boolean;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { keys: ["j", "ArrowDown"], action: "next" },
  { keys: ["k", "ArrowUp"], action: "previous" },
  { keys: ["Enter", "o"], action: "open" },
  { keys: ["r"], action: "reply" },
  { keys: ["n"], action: "note" },
  { keys: ["e"], action: "resolve" },
  { keys: ["a"], action: "assignToMe" },
  { keys: ["1"], action: "viewMine" },
  { keys: ["2"], action: "viewUnassigned" },
  { keys: ["3"], action: "viewAll" },
  { keys: ["?"], action: "help" },
  { keys: ["Escape"], action: "escape", inFields: true },
];

export function describe(action: ShortcutAction): string {
  return t.shortcuts[action];
}

export interface KeyInput {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  /** The key went to a text field, a select or a button that takes Enter. */
  inField: boolean;
}

/** The action a key press means, or null (modified keys belong to the browser). */
export function actionFor(e: KeyInput): ShortcutAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  const found = SHORTCUTS.find((s) => s.keys.includes(e.key));
  if (found === undefined || (e.inField && found.inFields !== true)) return null;
  return found.action;
}

/** How a key is written in the overlay. */
export function keyLabel(key: string): string {
  const names: Record<string, string> = { ArrowDown: "↓", ArrowUp: "↑", Escape: "Esc", Enter: "Enter" };
  return names[key] ?? key;
}
