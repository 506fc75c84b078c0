import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { backoffDelay, backoffWindow, BACKOFF_MAX_MS } from "./backoff";
import { ProtocolClient, PONG_TIMEOUT_MS, type ClientOptions, type SocketLike } from "./client";
import type { Message } from "./events.gen";

/** A stand-in for the browser's WebSocket: records what the client writes, plays the server. */
class FakeSocket implements SocketLike {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  closedWith: number | undefined;
  onopen: ((ev: Event) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onclose: ((ev: CloseEvent) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;

  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  static get last(): FakeSocket {
    const socket = FakeSocket.all.at(-1);
    if (socket === undefined) throw new Error("no socket was opened");
    return socket;
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close(code?: number): void {
    this.closedWith = code;
    this.readyState = 3;
  }
  // --- the server's side ---
  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event("open"));
  }
  receive(frame: object): void {
    this.onmessage?.({ data: JSON.stringify(frame) } as MessageEvent);
  }
  serverClose(code: number): void {
    this.readyState = 3;
    this.onclose?.({ code } as CloseEvent);
  }
  /** open + welcome + synced: the socket is ready for live traffic. */
  handshake(): void {
    this.open();
    this.receive({ type: "welcome", protocol: 1, session: {}, heartbeat_seconds: 25 });
    this.receive({ type: "synced" });
  }
  sentOfType(type: string): Record<string, unknown>[] {
    return this.sent.filter((frame) => frame.type === type);
  }
}

function message(conversationId: string, seq: number, clientRef: string | null = null): Message {
  return {
    id: `m-${conversationId}-${seq}`,
    conversation_id: conversationId,
    seq,
    author: { type: "agent", id: "a1", name: "Grace" },
    body: `message ${seq}`,
    private: false,
    client_ref: clientRef,
    created_at: "2026-11-28T15:20:01.123Z",
    system: null,
    attachments: [],
  };
}

function messageEvent(conversationId: string, seq: number): object {
  const data = { message: message(conversationId, seq) };
  return { type: "event", event: "message.created", conversation_id: conversationId, seq, data };
}

function makeClient(overrides: Partial<ClientOptions> = {}) {
  const received: Message[] = [];
  let refs = 0;
  const client = new ProtocolClient({
    url: "ws://example.test/ws/visitor",
    events: { "message.created": (data) => received.push(data.message) },
    socketFactory: (url) => new FakeSocket(url),
    random: () => 0,
    newClientRef: () => `ref-${++refs}`,
    ...overrides,
  });
  return { client, received };
}

beforeEach(() => {
  FakeSocket.all = [];
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("hello", () => {
  it("sends the token and the cursors it holds", () => {
    const { client } = makeClient({ token: () => "tok" });
    client.cursors.advance("c1", 4);
    client.start();
    FakeSocket.last.open();
    expect(FakeSocket.last.sent[0]).toEqual({
      type: "hello",
      protocol: 1,
      token: "tok",
      cursors: { c1: 4 },
    });
  });

  it("resumes from the highest seq received before the connection dropped", () => {
    const { client } = makeClient();
    client.start();
    FakeSocket.last.handshake();
    FakeSocket.last.receive(messageEvent("c1", 1));
    FakeSocket.last.receive(messageEvent("c1", 3));
    FakeSocket.last.serverClose(1012);
    vi.advanceTimersByTime(BACKOFF_MAX_MS);
    FakeSocket.last.open();
    expect(FakeSocket.last.sent[0]).toMatchObject({ type: "hello", cursors: { c1: 3 } });
  });
});

describe("seq de-duplication", () => {
  it("delivers each event once when the replay repeats live events", () => {
    const { client, received } = makeClient();
    client.start();
    FakeSocket.last.handshake();
    for (const seq of [1, 2, 2, 1, 3]) FakeSocket.last.receive(messageEvent("c1", seq));
    expect(received.map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it("keeps cursors per conversation and accepts gaps", () => {
    const { client, received } = makeClient();
    client.start();
    FakeSocket.last.handshake();
    for (const [conversation, seq] of [["c1", 5], ["c2", 1], ["c1", 7], ["c2", 1]] as const) {
      FakeSocket.last.receive(messageEvent(conversation, seq));
    }
    expect(received.map((m) => `${m.conversation_id}:${m.seq}`)).toEqual(["c1:5", "c2:1", "c1:7"]);
  });

  it("drops events already loaded over HTTP", () => {
    const { client, received } = makeClient();
    client.cursors.advance("c1", 10);
    client.start();
    FakeSocket.last.handshake();
    FakeSocket.last.receive(messageEvent("c1", 9));
    FakeSocket.last.receive(messageEvent("c1", 11));
    expect(received.map((m) => m.seq)).toEqual([11]);
  });

  it("passes events without seq through every time", () => {
    const typing: string[] = [];
    const { client } = makeClient({
      events: { "typing.started": (data) => typing.push(data.author.name) },
    });
    client.start();
    FakeSocket.last.handshake();
    const frame = {
      type: "event",
      event: "typing.started",
      conversation_id: "c1",
      data: { conversation_id: "c1", author: { type: "agent", id: "a1", name: "Grace" } },
    };
    FakeSocket.last.receive(frame);
    FakeSocket.last.receive(frame);
    expect(typing).toEqual(["Grace", "Grace"]);
  });

  it("ignores events and frames it does not know", () => {
    const { client, received } = makeClient();
    client.start();
    FakeSocket.last.handshake();
    FakeSocket.last.receive({ type: "event", event: "visitor.page_viewed", data: {} });
    FakeSocket.last.receive({ type: "presence", data: {} });
    FakeSocket.last.receive(messageEvent("c1", 1));
    expect(received).toHaveLength(1);
  });
});

describe("outbox", () => {
  it("holds a message typed while offline and sends it after synced", () => {
    const { client } = makeClient();
    client.start();
    const ref = client.send("hello?");
    FakeSocket.last.open();
    expect(FakeSocket.last.sentOfType("send")).toEqual([]);
    FakeSocket.last.receive({ type: "welcome", protocol: 1, session: {}, heartbeat_seconds: 25 });
    FakeSocket.last.receive({ type: "synced" });
    expect(FakeSocket.last.sentOfType("send")).toEqual([
      { type: "send", client_ref: ref, body: "hello?" },
    ]);
  });

  it("resends an unacknowledged message on every reconnect, with the same client_ref", () => {
    const { client } = makeClient();
    client.start();
    FakeSocket.last.handshake();
    const ref = client.send("are you there?", { conversationId: "c1" });
    FakeSocket.last.serverClose(1006);
    vi.advanceTimersByTime(BACKOFF_MAX_MS);
    FakeSocket.last.handshake();
    FakeSocket.last.serverClose(4008);
    vi.advanceTimersByTime(BACKOFF_MAX_MS);
    FakeSocket.last.handshake();
    const sends = FakeSocket.all.flatMap((socket) => socket.sentOfType("send"));
    expect(sends.map((frame) => frame.client_ref)).toEqual([ref, ref, ref]);
    expect(FakeSocket.all).toHaveLength(3);
    expect(sends[2]).toMatchObject({ conversation_id: "c1", body: "are you there?" });
  });

  it("stops resending once acked, and reports the ack", () => {
    const acks: string[] = [];
    const { client } = makeClient({ onAck: (ack) => acks.push(ack.client_ref) });
    client.start();
    FakeSocket.last.handshake();
    const ref = client.send("hi");
    const stored = message("c1", 1, ref);
    FakeSocket.last.receive({ type: "ack", client_ref: ref, message: stored, duplicate: false });
    expect(client.unacknowledged).toBe(0);
    FakeSocket.last.serverClose(1012);
    vi.advanceTimersByTime(BACKOFF_MAX_MS);
    FakeSocket.last.handshake();
    expect(FakeSocket.last.sentOfType("send")).toEqual([]);
    expect(acks).toEqual([ref]);
  });

  it("does not write a message twice on the same connection", () => {
    const { client } = makeClient();
    client.start();
    FakeSocket.last.handshake();
    client.send("one");
    client.send("two");
    FakeSocket.last.receive({ type: "synced" });
    expect(FakeSocket.last.sentOfType("send").map((f) => f.body)).toEqual(["one", "two"]);
  });

  it("gives up on a message the server refuses for good", () => {
    const failed: string[] = [];
    const { client } = makeClient({ onSendFailed: (ref, error) => failed.push(`${ref}:${error.code}`) });
    client.start();
    FakeSocket.last.handshake();
    const ref = client.send("x".repeat(20_000));
    FakeSocket.last.receive({ type: "error", code: "invalid", message: "too long", client_ref: ref });
    expect(failed).toEqual([`${ref}:invalid`]);
    expect(client.unacknowledged).toBe(0);
  });

  it("sends private notes with the private flag", () => {
    const { client } = makeClient();
    client.start();
    FakeSocket.last.handshake();
    client.send("internal", { conversationId: "c1", private: true });
    expect(FakeSocket.last.sentOfType("send")[0]).toMatchObject({ private: true });
  });
});

describe("reconnecting", () => {
  it("waits up to 0.5 s doubling to 8 s between attempts, then starts over after a good connection", () => {
    // At the top of each window: the longest it ever waits.
    const { client } = makeClient({ random: () => 0.9999 });
    client.start();
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      const before = FakeSocket.all.length;
      FakeSocket.last.serverClose(1006);
      let waited = 0;
      while (FakeSocket.all.length === before) {
        vi.advanceTimersByTime(50);
        waited += 50;
      }
      waits.push(waited);
    }
    expect(waits).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000]);
    FakeSocket.last.handshake();
    FakeSocket.last.serverClose(1012);
    vi.advanceTimersByTime(498);
    expect(FakeSocket.all).toHaveLength(8);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.all).toHaveLength(9);
  });

  it("spreads the clients a restart dropped over the whole first window (full jitter)", () => {
    const clients = Array.from({ length: 1000 }, () => makeClient({ random: Math.random }).client);
    for (const client of clients) client.start();
    for (const socket of [...FakeSocket.all]) socket.handshake();
    const first = FakeSocket.all.length;
    for (const socket of FakeSocket.all.slice(0, first)) socket.serverClose(1006);
    const perTenth: number[] = [];
    for (let tenth = 0; tenth < 10; tenth++) {
      const before = FakeSocket.all.length;
      vi.advanceTimersByTime(50);
      perTenth.push(FakeSocket.all.length - before);
    }
    expect(FakeSocket.all.length - first).toBe(1000); // every one back within 0.5 s
    // Evenly: about 100 in each 50 ms (not all at once, not bunched at the end).
    for (const count of perTenth) {
      expect(count).toBeGreaterThan(50);
      expect(count).toBeLessThan(150);
    }
    for (const client of clients) client.stop();
  });

  it("stops for good on 4401 and tells the app", () => {
    const onUnauthorized = vi.fn();
    const { client } = makeClient({ onUnauthorized });
    client.start();
    FakeSocket.last.open();
    FakeSocket.last.serverClose(4401);
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(1);
    expect(onUnauthorized).toHaveBeenCalledOnce();
    expect(client.connectionState).toBe("stopped");
  });

  it("stops for good on 4400", () => {
    const { client } = makeClient();
    client.start();
    FakeSocket.last.serverClose(4400);
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(1);
  });

  it("does not reconnect after stop()", () => {
    const { client } = makeClient();
    client.start();
    FakeSocket.last.handshake();
    client.stop();
    expect(FakeSocket.last.closedWith).toBe(1000);
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(1);
  });
});

describe("heartbeat", () => {
  it("pings every heartbeat_seconds and keeps a socket that answers", () => {
    const { client } = makeClient();
    client.start();
    FakeSocket.last.handshake();
    for (let i = 0; i < 3; i++) {
      vi.advanceTimersByTime(25_000);
      FakeSocket.last.receive({ type: "pong" });
    }
    expect(FakeSocket.last.sentOfType("ping")).toHaveLength(3);
    expect(FakeSocket.all).toHaveLength(1);
  });

  it("drops a socket with no pong within 10 s and reconnects", () => {
    const { client } = makeClient();
    client.start();
    FakeSocket.last.handshake();
    vi.advanceTimersByTime(25_000);
    vi.advanceTimersByTime(PONG_TIMEOUT_MS - 1);
    expect(FakeSocket.all).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.all[0]?.closedWith).toBeDefined();
    expect(client.connectionState).toBe("offline");
    vi.advanceTimersByTime(500);
    expect(FakeSocket.all).toHaveLength(2);
  });
});

describe("backoffDelay", () => {
  it("draws from the whole window, 0.5 s doubling, never past 8 s", () => {
    expect(backoffDelay(0, () => 0)).toBe(0);
    expect(backoffDelay(0, () => 0.5)).toBe(250);
    expect(backoffDelay(0, () => 0.9999)).toBe(499);
    expect(backoffDelay(3, () => 0.5)).toBe(2000);
    expect(backoffWindow(4)).toBe(8_000);
    expect(backoffWindow(5)).toBe(8_000);
    expect(backoffDelay(30, () => 0.9999)).toBeLessThan(BACKOFF_MAX_MS);
    expect(backoffDelay(30, () => 0.5)).toBe(4000);
    expect(backoffDelay(1e6, () => 0.5)).toBe(4000); // no overflow past the cap
  });
});
