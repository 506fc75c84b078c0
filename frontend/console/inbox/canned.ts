/**
 * Canned responses in the composer: `/` plus a shortcut opens a picker that filters as
 * the agent types; the chosen response replaces the `/shortcut` with its body, its
 * placeholders filled from the conversation. Pure functions; the picker is
 * components/CannedPicker.tsx.
 */

/** As GET /canned-responses lists them (shortcut without the slash). */
export interface CannedResponse {
  id: string;
  shortcut: string;
  body: string;
  shared: boolean;
}

/** What placeholders may name: `{{contact.name}}`, `{{agent.name}}`, `{{contact.<attribute>}}`. */
export interface PlaceholderContext {
  contact: {
    name: string;
    email: string | null;
    phone?: string | null;
    custom_attributes?: Record<string, unknown>;
  };
  agent: { name: string; email?: string | null };
}

/** A word being typed at the caret that started with `trigger` (at the start or after a space). */
export interface Trigger {
  /** Index of the trigger character. */
  start: number;
  /** What follows it, up to the caret. */
  query: string;
}

/** Canned shortcuts are letters, digits, "-" and "_" (the server's rule). */
const SHORTCUT_QUERY = /(^|\s)\/([a-z0-9_-]*)$/i;

export function cannedTrigger(text: string, caret: number): Trigger | null {
  const match = SHORTCUT_QUERY.exec(text.slice(0, caret));
  if (match === null) return null;
  const query = match[2] ?? "";
  return { start: caret - query.length - 1, query };
}

/** How many choices the picker shows: enough to browse, few enough to read at a glance. */
export const PICKER_LIMIT = 8;

/** Shortcuts that start with the query first, then those that contain it, then body matches. */
export function filterCanned(list: readonly CannedResponse[], query: string): CannedResponse[] {
  const q = query.toLowerCase();
  const rank = (c: CannedResponse): number => {
    const shortcut = c.shortcut.toLowerCase();
    if (shortcut.startsWith(q)) return 0;
    if (shortcut.includes(q)) return 1;
    return c.body.toLowerCase().includes(q) ? 2 : 3;
  };
  return list
    .map((c) => ({ c, r: rank(c) }))
    .filter(({ r }) => r < 3)
    .sort((a, b) => a.r - b.r || a.c.shortcut.localeCompare(b.c.shortcut))
    .slice(0, PICKER_LIMIT)
    .map(({ c }) => c);
}

const PLACEHOLDER = /\{\{\s*(contact|agent)\.([A-Za-z0-9_.-]+)\s*\}\}/g;

/**
 * `{{contact.name}}`, `{{contact.first_name}}`, `{{contact.email}}`, `{{contact.phone}}`,
 * `{{agent.name}}`, `{{agent.first_name}}`, `{{agent.email}}` and `{{contact.<custom
 * attribute>}}`. What the conversation does not know becomes empty text: the agent sees
 * the result in the composer before sending. Anything else in braces stays as written.
 */
export function fillPlaceholders(template: string, ctx: PlaceholderContext): string {
  return template.replace(PLACEHOLDER, (whole, scope: string, field: string) => {
    const value = scope === "agent" ? agentField(ctx.agent, field) : contactField(ctx.contact, field);
    return value === undefined ? whole : value;
  });
}

function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? "";
}

function agentField(agent: PlaceholderContext["agent"], field: string): string | undefined {
  if (field === "name") return agent.name;
  if (field === "first_name") return firstName(agent.name);
  if (field === "email") return agent.email ?? "";
  return undefined;
}

function contactField(contact: PlaceholderContext["contact"], field: string): string {
  if (field === "name") return contact.name;
  if (field === "first_name") return firstName(contact.name);
  if (field === "email") return contact.email ?? "";
  if (field === "phone") return contact.phone ?? "";
  const value = contact.custom_attributes?.[field];
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Replaces text[start, end) and says where the caret goes: just after the insertion. */
export function replaceRange(text: string, start: number, end: number, insert: string): { text: string; caret: number } {
  return { text: text.slice(0, start) + insert + text.slice(end), caret: start + insert.length };
}
