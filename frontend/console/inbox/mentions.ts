/**
 * @mentions in private notes: typing `@` plus a few letters offers teammates; the
 * server reads `@Name` (or `@First Last`) in the note and notifies that agent.
 */
import type { Trigger } from "./canned";

/** A name being typed: letters, digits, dots, dashes (a space ends the query). */
const MENTION_QUERY = /(^|\s)@([\p{L}\p{N}._-]*)$/u;

export function mentionTrigger(text: string, caret: number): Trigger | null {
  const match = MENTION_QUERY.exec(text.slice(0, caret));
  if (match === null) return null;
  const query = match[2] ?? "";
  return { start: caret - query.length - 1, query };
}

export interface Mentionable {
  id: string;
  name: string;
  active?: boolean;
}

/** Active teammates (not oneself) whose name, or a word of it, starts with the query. */
export function filterMentionable<T extends Mentionable>(agents: readonly T[], query: string, meId: string): T[] {
  const q = query.toLowerCase();
  return agents
    .filter((a) => a.id !== meId && a.active !== false)
    .filter((a) => q === "" || a.name.toLowerCase().split(/\s+/).some((word) => word.startsWith(q)) || a.name.toLowerCase().startsWith(q))
    .sort((a, b) => a.name.localeCompare(b.name))
    .slice(0, 8);
}

export function mentionText(agent: Mentionable): string {
  return `@${agent.name} `;
}
