/** The widget's one store: everything the view shows. */
import type { ConnectionState } from "../shared/client";
import type { Author } from "../shared/events.gen";
import { createStore } from "../shared/store";
import { EMPTY_THREAD, type Thread } from "../shared/thread";

export interface WidgetState {
  open: boolean;
  thread: Thread;
  /** The agent typing right now, if any. */
  typing: Author | null;
  connection: ConnectionState;
  /** Agent messages that arrived while the panel was closed. */
  unread: number;
  agentsOnline: boolean;
  /** From the website's settings (set by its admins). */
  title: string;
  greeting: string;
  position: "left" | "right";
  /** A problem to show at the top of the panel (e.g. the server cannot be reached). */
  notice: string | null;
  bodyMaxChars: number;
}

export const DEFAULT_TITLE = "Chat with us";
export const DEFAULT_GREETING = "Hi! Ask us anything. We usually reply in a few minutes.";

export function createWidgetStore() {
  return createStore<WidgetState>({
    open: false,
    thread: EMPTY_THREAD,
    typing: null,
    connection: "connecting",
    unread: 0,
    agentsOnline: true,
    title: DEFAULT_TITLE,
    greeting: DEFAULT_GREETING,
    position: "right",
    notice: null,
    bodyMaxChars: 10_000,
  });
}

export type WidgetStore = ReturnType<typeof createWidgetStore>;
