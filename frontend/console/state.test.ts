import { describe, expect, it } from "vitest";
import type { Conversation, Message } from "../shared/events.gen";
import { EMPTY_THREAD } from "../shared/thread";
import { inbox, INITIAL_STATE, isUnread, markRead, receiveMessage, upsertConversations, type ConsoleState } from "./state";

function conversation(id: string, lastActivity: string, overrides: Partial<Conversation> = {}): Conversation {
  return {
    id,
    website_id: "w1",
    status: "open",
    assignee: null,
    contact: { id: `contact-${id}`, name: `Visitor ${id}`, email: null },
    last_seq: 1,
    last_message: null,
    agent_last_read_seq: 1,
    contact_last_read_seq: 1,
    created_at: lastActivity,
    last_activity_at: lastActivity,
    ...overrides,
  };
}

function message(conversationId: string, seq: number, createdAt: string): Message {
  return {
    id: `${conversationId}-${seq}`,
    conversation_id: conversationId,
    seq,
    author: { type: "visitor", id: "v1", name: "Ada" },
    body: `message ${seq}`,
    private: false,
    client_ref: null,
    created_at: createdAt,
    system: null,
    attachments: [],
  };
}

function withConversations(...list: Conversation[]): ConsoleState {
  return upsertConversations({ ...INITIAL_STATE, auth: "ready" }, list);
}

describe("the inbox", () => {
  it("lists open conversations, newest activity first", () => {
    const state = withConversations(
      conversation("a", "2026-11-28T10:00:00Z"),
      conversation("b", "2026-11-28T12:00:00Z"),
      conversation("c", "2026-11-28T11:00:00Z", { status: "resolved" }),
    );
    expect(inbox(state.conversations, null).map((c) => c.id)).toEqual(["b", "a"]);
    expect(inbox(state.conversations, "c").map((c) => c.id)).toEqual(["b", "c", "a"]);
  });

  it("moves a conversation to the top when a message arrives, and marks it unread", () => {
    let state = withConversations(conversation("a", "2026-11-28T10:00:00Z"), conversation("b", "2026-11-28T12:00:00Z"));
    state = receiveMessage(state, message("a", 2, "2026-11-28T13:00:00Z"));
    const [top] = inbox(state.conversations, null);
    expect(top?.id).toBe("a");
    expect(top?.last_message?.body).toBe("message 2");
    expect(top !== undefined && isUnread(top)).toBe(true);
    state = markRead(state, "a", "agent", 2);
    expect(isUnread(state.conversations["a"] as Conversation)).toBe(false);
  });

  it("adds live messages to a loaded thread once, and leaves unloaded threads alone", () => {
    let state = withConversations(conversation("a", "2026-11-28T10:00:00Z"), conversation("b", "2026-11-28T10:00:00Z"));
    state = { ...state, threads: { a: EMPTY_THREAD } };
    const m = message("a", 2, "2026-11-28T13:00:00Z");
    state = receiveMessage(receiveMessage(state, m), m);
    state = receiveMessage(state, message("b", 2, "2026-11-28T13:00:00Z"));
    expect(state.threads["a"]?.messages).toHaveLength(1);
    expect(state.threads["b"]).toBeUndefined();
  });

  it("does not let a replayed older message replace the latest preview", () => {
    let state = withConversations(conversation("a", "2026-11-28T10:00:00Z"));
    state = receiveMessage(state, message("a", 5, "2026-11-28T13:00:00Z"));
    state = receiveMessage(state, message("a", 4, "2026-11-28T12:00:00Z"));
    expect(state.conversations["a"]?.last_message?.seq).toBe(5);
  });
});
