/** The inbox's REST calls (docs/api.md): views, badges, history, actions, canned responses. */
import type { Conversation, Message } from "../../shared/events.gen";
import { call } from "../api";
import type { Contact } from "../resources";
import type { CannedResponse } from "./canned";
import type { AgentStatus } from "./status";
import type { TeamRef } from "./state";
import type { UnreadByStatus } from "./views";

/** One page of history: a screenful or two, so opening a chat stays quick. */
export const HISTORY_PAGE = 50;

export interface ConversationChange {
  status?: "open" | "pending" | "resolved";
  assignee_id?: string | null;
  team_id?: string | null;
  note?: string;
  priority?: string;
  labels?: string[];
  snooze_until?: string;
}

const id = encodeURIComponent;
const json = (method: string, body: unknown): RequestInit => ({ method, body: JSON.stringify(body) });

export const inboxApi = {
  page: (query: string) => call<{ items: Conversation[]; next_cursor: string | null }>(`/conversations?${query}`),
  unread: () => call<UnreadByStatus>("/conversations/unread-counts"),
  /** The newest messages: everything before `last_seq + 1`. */
  latest: (conversationId: string, lastSeq: number) =>
    call<{ items: Message[] }>(`/conversations/${id(conversationId)}/messages?before_seq=${lastSeq + 1}&limit=${HISTORY_PAGE}`).then(
      (r) => r.items,
    ),
  older: (conversationId: string, beforeSeq: number) =>
    call<{ items: Message[] }>(`/conversations/${id(conversationId)}/messages?before_seq=${beforeSeq}&limit=${HISTORY_PAGE}`).then(
      (r) => r.items,
    ),
  change: (conversationId: string, change: ConversationChange) =>
    call<Conversation>(`/conversations/${id(conversationId)}`, json("PATCH", change)),
  block: (contactId: string, blocked: boolean) =>
    call<Contact>(`/contacts/${id(contactId)}/block`, json("POST", { blocked })),
  canned: () => call<{ items: CannedResponse[] }>("/canned-responses").then((r) => r.items),
  teams: () => call<{ items: TeamRef[] }>("/teams").then((r) => r.items),
  setMyStatus: (status: AgentStatus) => call<{ id: string; status: AgentStatus }>("/me/status", json("PUT", { status })),
};
