/**
 * What the console knows around a conversation: the visitor's pages, device and local
 * time, who is on the site now and each agent's load. Pure functions over the store.
 */
import type { AgentStatusChanged, PageViewData, PageViewed } from "../shared/events.gen";
import type { AgentRow, Contact, LiveVisitor } from "./resources";

export interface ContextState {
  /** Each loaded contact, by id (the sidebar fetches it; contact.updated refreshes names). */
  contacts: Readonly<Record<string, Contact>>;
  /** Page views of the contacts whose sidebar was opened, newest first. */
  pageViews: Readonly<Record<string, readonly PageViewData[]>>;
  /** Who is on the site now, by contact id; null until the live page first loads. */
  liveVisitors: Readonly<Record<string, LiveVisitor>> | null;
  /** Someone not on the live list viewed a page: the list needs a fresh read. */
  liveStale: boolean;
  /** The workspace's agents with their status and load; null until first loaded. */
  agents: Readonly<Record<string, AgentRow>> | null;
}

export const INITIAL_CONTEXT: ContextState = { contacts: {}, pageViews: {}, liveVisitors: null, liveStale: false, agents: null };

/** How many page views the sidebar keeps per contact (the API returns up to 50). */
export const MAX_PAGE_VIEWS = 50;

/** contact.page_viewed: the visitor's trail and the live list follow where they are. */
export function receivePageView<S extends ContextState>(state: S, { contact_id, page_view }: PageViewed): S {
  const known = state.pageViews[contact_id];
  const pageViews =
    known === undefined ? state.pageViews : { ...state.pageViews, [contact_id]: [page_view, ...known].slice(0, MAX_PAGE_VIEWS) };
  const live = state.liveVisitors?.[contact_id];
  // A newcomer: the event lacks the contact and the visit, which only the list call gives.
  const liveStale = state.liveStale || (state.liveVisitors !== null && live === undefined);
  const liveVisitors =
    live === undefined || state.liveVisitors === null
      ? state.liveVisitors
      : { ...state.liveVisitors, [contact_id]: { ...live, current_page: page_view, page_views: live.page_views + 1 } };
  return { ...state, pageViews, liveVisitors, liveStale };
}

export function setAgentStatus<S extends ContextState>(state: S, { agent, status }: AgentStatusChanged): S {
  const known = state.agents?.[agent.id];
  if (state.agents === null || known === undefined) return state;
  return { ...state, agents: { ...state.agents, [agent.id]: { ...known, status } } };
}

export function byId<T extends { id: string }>(items: readonly T[]): Record<string, T> {
  return Object.fromEntries(items.map((item) => [item.id, item]));
}

export interface TimedView {
  view: PageViewData;
  /** Seconds on the page: until the next view, or until now for the current one. */
  seconds: number;
  current: boolean;
}

/** Views newest first, each with its time on page (the next view ends the previous one). */
export function timeOnPages(views: readonly PageViewData[], now: Date): TimedView[] {
  return views.map((view, i) => {
    const next = i === 0 ? now.getTime() : Date.parse(views[i - 1]!.created_at);
    const seconds = Math.max(0, Math.round((next - Date.parse(view.created_at)) / 1000));
    return { view, seconds, current: i === 0 };
  });
}

/** "40 s", "3 min", "1 h 5 min". */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.max(0, Math.floor(seconds))} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const rest = minutes % 60;
  return rest === 0 ? `${Math.floor(minutes / 60)} h` : `${Math.floor(minutes / 60)} h ${rest} min`;
}

/** The visitor's wall-clock time ("14:05"), or null for an unknown or invalid zone. */
export function localTime(timeZone: unknown, now: Date, locale?: string): string | null {
  if (typeof timeZone !== "string" || timeZone === "") return null;
  try {
    return new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", timeZone }).format(now);
  } catch {
    return null; // a RangeError: the browser sent a zone this one does not know
  }
}

/** Where the visit came from: the referrer of the earliest view that has one. */
export function referrerOf(views: readonly PageViewData[]): string | null {
  for (let i = views.length - 1; i >= 0; i--) {
    const referrer = views[i]!.referrer;
    if (referrer !== "") return referrer;
  }
  return null;
}

/** An identified visitor is one the site or the visitor named: an email or an external id. */
export function isIdentified(contact: Pick<Contact, "email" | "external_id">): boolean {
  return Boolean(contact.email) || Boolean(contact.external_id);
}

/** A device field as text, or null when absent. */
export function deviceText(device: Record<string, unknown>, key: string): string | null {
  const value = device[key];
  if (typeof value === "string" && value !== "") return value;
  if (key === "screen" && typeof value === "object" && value !== null) {
    const { width, height } = value as { width?: unknown; height?: unknown };
    if (typeof width === "number" && typeof height === "number") return `${width}×${height}`;
  }
  return null;
}

/** Custom attributes as editable text rows; values that are not strings show as JSON. */
export function attributeRows(attributes: Record<string, unknown>): [string, string][] {
  return Object.entries(attributes).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]);
}

/** The rows back as an object; blank keys are dropped, later rows win. */
export function attributesOf(rows: readonly (readonly [string, string])[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of rows) if (key.trim() !== "") result[key.trim()] = value;
  return result;
}

/** Seconds between two instants (e.g. on the site since the visit began). */
export function secondsBetween(fromIso: string, now: Date): number {
  return Math.max(0, Math.round((now.getTime() - Date.parse(fromIso)) / 1000));
}

/** Live visitors, the most recently active first. */
export function liveList(visitors: ContextState["liveVisitors"]): LiveVisitor[] {
  return Object.values(visitors ?? {}).sort((a, b) => b.current_page.created_at.localeCompare(a.current_page.created_at));
}

/** Agents for the supervisor: active ones, online first, then by load. */
export function loadList(agents: ContextState["agents"]): AgentRow[] {
  const rank = { online: 0, away: 1, offline: 2 } as const;
  return Object.values(agents ?? {})
    .filter((a) => a.active)
    .sort((a, b) => rank[a.status] - rank[b.status] || b.open_chats - a.open_chats || a.name.localeCompare(b.name));
}

/** Share of an agent's seats in use, 0–1 (an agent may be over capacity by hand). */
export function loadShare(agent: Pick<AgentRow, "open_chats" | "max_chats">): number {
  if (agent.max_chats <= 0) return agent.open_chats > 0 ? 1 : 0;
  return Math.min(1, agent.open_chats / agent.max_chats);
}

/** contact.updated carries the summary (name, email): keep a loaded contact in step. */
export function mergeContact<S extends ContextState>(state: S, summary: { id: string; name: string; email: string | null }): S {
  const known = state.contacts[summary.id];
  if (known === undefined) return state;
  return { ...state, contacts: { ...state.contacts, [summary.id]: { ...known, name: summary.name, email: summary.email } } };
}
