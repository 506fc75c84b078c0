import { describe, expect, it } from "vitest";
import type { Message } from "./events.gen";
import { addMessages, addPending, EMPTY_THREAD, failPending, lastSeqOf, type PendingMessage } from "./thread";

function message(seq: number, clientRef: string | null = null, conversationId = "c1"): Message {
  return {
    id: `${conversationId}-${seq}`,
    conversation_id: conversationId,
    seq,
    author: { type: "visitor", id: "v1", name: "Ada" },
    body: `body ${seq}`,
    private: false,
    client_ref: clientRef,
    created_at: `2026-11-28T15:20:0${seq}.000Z`,
    system: null,
    attachments: [],
  };
}

function pending(clientRef: string): PendingMessage {
  return {
    client_ref: clientRef,
    conversation_id: null,
    body: "hi",
    private: false,
    created_at: "2026-11-28T15:21:00.000Z",
    state: "sending",
  };
}

describe("a thread shows every message once", () => {
  it("when the ack comes before the event", () => {
    let thread = addPending(EMPTY_THREAD, pending("r1"));
    thread = addMessages(thread, [message(1, "r1")]); // ack
    thread = addMessages(thread, [message(1, "r1")]); // message.created
    expect(thread.messages).toHaveLength(1);
    expect(thread.pending).toHaveLength(0);
  });

  it("when the event comes before the ack", () => {
    let thread = addPending(EMPTY_THREAD, pending("r1"));
    thread = addMessages(thread, [message(1, "r1")]);
    expect(thread.pending).toHaveLength(0);
    expect(addMessages(thread, [message(1, "r1")])).toBe(thread);
  });

  it("in seq order whatever the arrival order, across history and live events", () => {
    let thread = addMessages(EMPTY_THREAD, [message(3)]);
    thread = addMessages(thread, [message(1), message(2), message(3)]);
    expect(thread.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(lastSeqOf(thread, "c1")).toBe(3);
    expect(lastSeqOf(thread, "other")).toBe(0);
  });

  it("keeps a refused message, marked failed", () => {
    const thread = failPending(addPending(EMPTY_THREAD, pending("r1")), "r1", "too long");
    expect(thread.pending[0]).toMatchObject({ state: "failed", error: "too long" });
  });
});
