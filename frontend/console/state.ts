/** The console's one store, and the pure functions that change it. */
import type { ConnectionState } from "../shared/client";
import type { AttachmentData, Author, ContactSummary, Conversation, Message, WebsiteData } from "../shared/events.gen";
import { createStore } from "../shared/store";
import { addMessages, EMPTY_THREAD, type Thread } from "../shared/thread";
import type { Me, Website } from "./api";
import type { Route } from "./route";
import { INITIAL_CONTEXT, type ContextState } from "./visitorContext";
import { INITIAL_INBOX, type InboxState } from "./inbox/state";

/** ContextState: the sidebar, live visitors and agents' load (visitorContext.ts). */
export interface ConsoleState extends ContextState {
  /**
   * loading: asking /me; anonymous: show the login form; two_factor: the password was
   * right, a code is owed; enrol: the workspace requires two-factor, set it up first;
   * ready: logged in.
   */
  auth: "loading" | "anonymous" | "two_factor" | "enrol" | "ready";
  me: Me | null;
  /** Which screen is shown (the URL says the same; see route.ts). */
  page: Route["page"];
  /** The settings page's section (agents, teams, …); null: the first one the role may see. */
  settingsSection: string | null;
  /** The workspace's websites: from /me at login, then GET /websites and website.updated. */
  websites: readonly Website[];
  conversations: Readonly<Record<string, Conversation>>;
  /** Loaded threads only: a conversation's messages are fetched when it is opened. */
  threads: Readonly<Record<string, Thread>>;
  /** Who is typing in each conversation (the visitor, or another agent). */
  typing: Readonly<Record<string, Author | undefined>>;
  /** Files sent with the agent's own messages still on their way, by client_ref. */
  outgoingFiles: Readonly<Record<string, readonly AttachmentData[]>>;
  selectedId: string | null;
  connection: ConnectionState;
  /** A problem to show above the screen, e.g. a refused PATCH. */
  notice: string | null;
  /** The inbox's views, pages, badges and tools (inbox/state.ts). */
  inbox: InboxState;
}

export const INITIAL_STATE: ConsoleState = {
  ...INITIAL_CONTEXT,
  settingsSection: null,
  auth: "loading",
  me: null,
  page: "inbox",
  websites: [],
  conversations: {},
  threads: {},
  typing: {},
  outgoingFiles: {},
  selectedId: null,
  connection: "stopped",
  notice: null,
  inbox: INITIAL_INBOX,
};

export function createConsoleStore() {
  return createStore<ConsoleState>(INITIAL_STATE);
}
export type ConsoleStore = ReturnType<typeof createConsoleStore>;

/** The inbox: open conversations (and the one on screen), newest activity first. */
export function inbox(
  conversations: ConsoleState["conversations"],
  selectedId: string | null,
): Conversation[] {
  return Object.values(conversations)
    .filter((c) => c.status === "open" || c.id === selectedId)
    .sort((a, b) => (a.last_activity_at < b.last_activity_at ? 1 : a.last_activity_at > b.last_activity_at ? -1 : 0));
}

export function upsertConversations(state: ConsoleState, list: readonly Conversation[]): ConsoleState {
  const conversations = { ...state.conversations };
  for (const c of list) conversations[c.id] = c;
  return { ...state, conversations };
}

/** A new message: into its thread (if loaded) and into the inbox summary. */
export function receiveMessage(state: ConsoleState, message: Message): ConsoleState {
  const id = message.conversation_id;
  const thread = state.threads[id];
  const threads = thread === undefined ? state.threads : { ...state.threads, [id]: addMessages(thread, [message]) };
  const typing = state.typing[id]?.id === message.author.id ? { ...state.typing, [id]: undefined } : state.typing;
  const current = state.conversations[id];
  if (current === undefined || current.last_seq > message.seq) return { ...state, threads, typing };
  const summary: Conversation = {
    ...current,
    last_seq: message.seq,
    last_message: message,
    last_activity_at: message.created_at > current.last_activity_at ? message.created_at : current.last_activity_at,
  };
  return { ...state, threads, typing, conversations: { ...state.conversations, [id]: summary } };
}

export function updateThread(state: ConsoleState, id: string, change: (thread: Thread) => Thread): ConsoleState {
  return { ...state, threads: { ...state.threads, [id]: change(state.threads[id] ?? EMPTY_THREAD) } };
}

export function markRead(state: ConsoleState, id: string, reader: "visitor" | "agent", seq: number): ConsoleState {
  const current = state.conversations[id];
  if (current === undefined) return state;
  const field = reader === "agent" ? "agent_last_read_seq" : "contact_last_read_seq";
  if (current[field] >= seq) return state;
  return { ...state, conversations: { ...state.conversations, [id]: { ...current, [field]: seq } } };
}

export function updateContact(state: ConsoleState, contact: ContactSummary): ConsoleState {
  const changed = Object.values(state.conversations).filter((c) => c.contact.id === contact.id);
  return upsertConversations(state, changed.map((c) => ({ ...c, contact })));
}

/** True when the visitor wrote something the agents have not read yet. */
export function isUnread(c: Conversation): boolean {
  return c.last_seq > c.agent_last_read_seq && c.last_message?.author.type === "visitor";
}

/** Owners and admins change websites; agents and supervisors do not (docs/permissions.md). */
export function isAdmin(me: Me | null): boolean {
  return me?.agent.role === "owner" || me?.agent.role === "admin";
}

/** A website's new state, from a PATCH answer (the whole website) or website.updated (a part). */
export function updateWebsite(state: ConsoleState, change: WebsiteData | Website): ConsoleState {
  if (!state.websites.some((w) => w.id === change.id)) return state;
  const websites = state.websites.map((w) => (w.id === change.id ? { ...w, ...change } : w));
  return { ...state, websites };
}
