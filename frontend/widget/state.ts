/** The widget's one store: everything the view shows. */
import type { ConnectionState } from "../shared/client";
import type { Author, QueueUpdated } from "../shared/events.gen";
import { createStore } from "../shared/store";
import { EMPTY_THREAD, type Thread } from "../shared/thread";
import { stringsFor, type Strings } from "./i18n";
import { DEFAULT_LOOK, type Look } from "./settings";

export interface ConversationInfo {
  status: string;
  rating: number | null;
  /** The highest seq an agent has read (drives "Read" on the visitor's messages). */
  agentRead: number;
}

/** A form in the panel instead of (or after) the conversation. */
export type Stage = "chat" | "prechat" | "offline" | "offline-sent";

export interface WidgetState {
  open: boolean;
  thread: Thread;
  /** The agent typing right now, if any. */
  typing: Author | null;
  connection: ConnectionState;
  /** Agent messages that arrived while the panel was closed. */
  unread: number;
  agentsOnline: boolean;
  look: Look;
  locale: string;
  strings: Strings;
  conversations: Record<string, ConversationInfo>;
  /** The visitor filled the pre-chat form (or identified through the API). */
  introduced: boolean;
  offlineSent: boolean;
  /** A problem to show at the top of the panel (e.g. the server cannot be reached). */
  notice: string | null;
  /** Lines the site added locally (Olark's sendNotificationToVisitor), shown in the log. */
  localNotes: { id: string; body: string; at: string }[];
  /** The status of the last upload or a refused file, for the composer. */
  fileNote: string | null;
  bodyMaxChars: number;
  /** What the server knows of the visitor (prefills the forms). */
  contact: { name: string; email: string | null };
  /** The visitor's place in the queue while their chat waits for an agent. */
  queue: QueueUpdated | null;
}

export function createWidgetStore() {
  return createStore<WidgetState>({
    open: false,
    thread: EMPTY_THREAD,
    typing: null,
    connection: "connecting",
    unread: 0,
    agentsOnline: true,
    look: DEFAULT_LOOK,
    locale: "en",
    strings: stringsFor("en"),
    conversations: {},
    introduced: false,
    offlineSent: false,
    notice: null,
    localNotes: [],
    fileNote: null,
    bodyMaxChars: 10_000,
    contact: { name: "", email: null },
    queue: null,
  });
}

export type WidgetStore = ReturnType<typeof createWidgetStore>;

/** Which form, if any, the panel shows now. */
export function stageOf(s: WidgetState): Stage {
  const chatting = s.thread.messages.length > 0 || s.thread.pending.length > 0;
  if (chatting) return "chat";
  if (s.offlineSent) return "offline-sent";
  if (!s.agentsOnline) return "offline";
  if (s.look.prechat.enabled && s.look.prechat.fields.length > 0 && !s.introduced) return "prechat";
  return "chat";
}

/** The conversation the visitor is in: the one of the latest message. */
export function currentConversation(s: WidgetState): string | null {
  return s.thread.messages.at(-1)?.conversation_id ?? null;
}

/** The latest conversation, when it is resolved: the rating and transcript card follow it. */
export function endedConversation(s: WidgetState): string | null {
  const id = currentConversation(s);
  return id !== null && s.conversations[id]?.status === "resolved" && s.thread.pending.length === 0 ? id : null;
}
