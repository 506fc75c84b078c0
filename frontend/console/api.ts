/** The console's REST calls (docs/api.md). The session cookie goes along (same origin). */
import type { AgentSummary, Conversation, Message } from "../shared/events.gen";
import { requestJson } from "../shared/http";

export interface Agent extends AgentSummary {
  email?: string;
  role?: string;
}

export interface Me {
  agent: Agent;
  workspace: { id: string; name: string };
  websites: { id: string; name: string; key?: string }[];
}

/** The inbox shows up to this many open conversations (the API's page limit). */
const INBOX_LIMIT = 100;
/** History loaded when a conversation is opened; the socket brings what follows. */
const HISTORY_LIMIT = 200;

function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  return requestJson<T>(`/api/v1${path}`, { ...init, credentials: "same-origin" });
}

export const api = {
  me: () => call<Me>("/me"),
  login: (email: string, password: string) =>
    call<{ agent: Agent }>("/auth/login", { method: "POST", body: JSON.stringify({ email, password }) }),
  logout: () => call<undefined>("/auth/logout", { method: "POST" }),
  openConversations: () =>
    call<{ items: Conversation[] }>(`/conversations?status=open&limit=${INBOX_LIMIT}`).then((page) => page.items),
  conversation: (id: string) => call<Conversation>(`/conversations/${encodeURIComponent(id)}`),
  messages: (id: string) =>
    call<{ items: Message[] }>(`/conversations/${encodeURIComponent(id)}/messages?after_seq=0&limit=${HISTORY_LIMIT}`).then(
      (page) => page.items,
    ),
  updateConversation: (id: string, change: { status?: Conversation["status"]; assignee_id?: string | null }) =>
    call<Conversation>(`/conversations/${encodeURIComponent(id)}`, { method: "PATCH", body: JSON.stringify(change) }),
};
