/**
 * The inbox's part of the console store (`ConsoleState.inbox`): the view on screen, how
 * far its pages are loaded, unread badges, and the tools' data. Pure functions only.
 */
import type { Conversation, Message } from "../../shared/events.gen";
import type { CannedResponse } from "./canned";
import { DEFAULT_VIEW, type InboxView, type UnreadByStatus, viewKey } from "./views";

export interface Listing {
  /** viewKey() of the view these pages belong to; a late answer for another view is dropped. */
  key: string;
  /** For the next page; null when the last page is in (or none asked yet). */
  cursor: string | null;
  /** Activity time of the oldest row loaded while more pages remain (views.ts, listFor). */
  boundary: string | null;
  loading: boolean;
  /** At least one page arrived. */
  loaded: boolean;
}

/** Scroll-back state of a loaded thread. */
export interface History {
  hasOlder: boolean;
  loading: boolean;
}

export interface TeamRef {
  id: string;
  name: string;
}

export interface InboxState {
  view: InboxView;
  listing: Listing;
  unread: UnreadByStatus;
  teams: readonly TeamRef[];
  canned: readonly CannedResponse[];
  /** The row the keyboard is on (j/k); Enter opens it. */
  highlightId: string | null;
  history: Readonly<Record<string, History>>;
  /** The console, not the agent, set them away after an idle time. */
  autoAway: boolean;
  shortcutsOpen: boolean;
  /** Whether to offer turning desktop notifications on (asked once). */
  notifyOffer: boolean;
}

export function emptyListing(view: InboxView): Listing {
  return { key: viewKey(view), cursor: null, boundary: null, loading: false, loaded: false };
}

export const INITIAL_INBOX: InboxState = {
  view: DEFAULT_VIEW,
  listing: emptyListing(DEFAULT_VIEW),
  unread: {},
  teams: [],
  canned: [],
  highlightId: null,
  history: {},
  autoAway: false,
  shortcutsOpen: false,
  notifyOffer: false,
};

export interface WithInbox {
  inbox: InboxState;
  conversations: Readonly<Record<string, Conversation>>;
}

export function patchInbox<S extends WithInbox>(state: S, change: Partial<InboxState>): S {
  return { ...state, inbox: { ...state.inbox, ...change } };
}

/** A page of the view arrived: its rows join the known conversations, the listing moves on. */
export function receivePage<S extends WithInbox>(
  state: S,
  key: string,
  items: readonly Conversation[],
  nextCursor: string | null,
): S {
  if (state.inbox.listing.key !== key) return state;
  const conversations = { ...state.conversations };
  for (const c of items) conversations[c.id] = c;
  const oldest = items[items.length - 1];
  const boundary = nextCursor === null ? null : (oldest?.last_activity_at ?? state.inbox.listing.boundary);
  const listing: Listing = { key, cursor: nextCursor, boundary, loading: false, loaded: true };
  return { ...state, conversations, inbox: { ...state.inbox, listing } };
}

export function setHistory<S extends WithInbox>(state: S, id: string, history: History): S {
  return patchInbox(state, { history: { ...state.inbox.history, [id]: history } });
}

/** Whether more history lies before a page of `limit` messages that ends the thread. */
export function hasOlderThan(page: readonly Message[], limit: number): boolean {
  const first = page[0];
  return page.length >= limit && first !== undefined && first.seq > 1;
}
