/**
 * The real-time protocol client shared by the widget and the console
 * (docs/protocol.md, version 1).
 *
 * It owns everything that makes "no message lost, none shown twice" true on the client
 * side: cursors sent in `hello` and used to drop repeated events, an outbox of `send`
 * frames flushed after every `synced` until acknowledged, heartbeats that notice a dead
 * socket, and reconnecting with backoff. The apps only see events (through a table of
 * handlers, one per event name), acks and the connection state.
 */
import { backoffDelay } from "./backoff";
import { Cursors } from "./cursors";
import type { EventDataMap, EventName, Message } from "./events.gen";
import {
  CLOSE_UNAUTHORIZED,
  CLOSE_UNSUPPORTED,
  PROTOCOL_VERSION,
  type AckFrame,
  type ClientFrame,
  type ErrorFrame,
  type EventFrame,
  type SendFrame,
  type ServerFrame,
  type WelcomeFrame,
} from "./frames";
import { Outbox } from "./outbox";
import { uuid7 } from "./ids";

/** With no `pong` this long after a `ping`, the socket is taken for dead (protocol.md). */
export const PONG_TIMEOUT_MS = 10_000;
/** Used until `welcome` says otherwise; the server's value is 25 s. */
const DEFAULT_HEARTBEAT_SECONDS = 25;
/** Refusals that a retry cannot fix: the message leaves the outbox and is shown as failed. */
const FINAL_SEND_ERRORS = new Set(["invalid", "forbidden", "not_found", "conflict", "too_large"]);

/** What the client needs of a WebSocket; the browser's fits, and so does a test fake. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: Event) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
  onclose: ((ev: CloseEvent) => void) | null;
  onerror: ((ev: Event) => void) | null;
}
export type SocketFactory = (url: string) => SocketLike;

/** The table that maps each event name to what the app does with it. */
export type EventHandlers = {
  [K in EventName]?: (data: EventDataMap[K], frame: EventFrame<K>) => void;
};

/** offline: waiting to reconnect; stopped: will not reconnect (stop(), 4401 or 4400). */
export type ConnectionState = "connecting" | "syncing" | "online" | "offline" | "stopped";

export interface ClientOptions {
  url: string;
  events: EventHandlers;
  /** The visitor token for `hello`, read at every connect (it may be renewed). */
  token?: () => string | undefined;
  onAck?: (ack: AckFrame) => void;
  onSendFailed?: (clientRef: string, error: ErrorFrame) => void;
  onError?: (error: ErrorFrame) => void;
  onState?: (state: ConnectionState) => void;
  /** After each replay: a good moment to re-send `read` or refresh lists. */
  onSynced?: () => void;
  onWelcome?: (welcome: WelcomeFrame) => void;
  /** The socket was closed with 4401: the visitor needs a new session, the agent a login. */
  onUnauthorized?: () => void;
  socketFactory?: SocketFactory;
  random?: () => number;
  newClientRef?: () => string;
}

export interface SendOptions {
  conversationId?: string;
  private?: boolean;
  attachmentIds?: string[];
}

type FrameHandlers = {
  [T in ServerFrame["type"]]: (frame: Extract<ServerFrame, { type: T }>) => void;
};

export class ProtocolClient {
  readonly cursors = new Cursors();
  private readonly outbox = new Outbox();
  private socket: SocketLike | null = null;
  private state: ConnectionState = "stopped";
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  private pongTimer: ReturnType<typeof setTimeout> | undefined;

  private readonly frameHandlers: FrameHandlers = {
    welcome: (frame) => this.onWelcome(frame),
    event: (frame) => this.onEvent(frame),
    synced: () => this.onSynced(),
    ack: (frame) => this.onAck(frame),
    error: (frame) => this.onErrorFrame(frame),
    pong: () => this.clearPongTimer(),
  };

  constructor(private readonly options: ClientOptions) {}

  get connectionState(): ConnectionState {
    return this.state;
  }

  /** Messages sent but not yet acknowledged. */
  get unacknowledged(): number {
    return this.outbox.size;
  }

  start(): void {
    if (this.state !== "stopped") return;
    this.connect();
  }

  stop(): void {
    this.setState("stopped");
    clearTimeout(this.reconnectTimer);
    this.dropSocket(1000);
  }

  /** Skips the backoff wait (e.g. the browser reports it is online again). */
  reconnectNow(): void {
    if (this.state !== "offline") return;
    clearTimeout(this.reconnectTimer);
    this.connect();
  }

  /** Queues a message; it is written now if the socket is synced, else after the next `synced`. */
  send(body: string, options: SendOptions = {}): string {
    const frame: SendFrame = { type: "send", client_ref: this.newClientRef(), body };
    if (options.conversationId !== undefined) frame.conversation_id = options.conversationId;
    if (options.private === true) frame.private = true;
    if (options.attachmentIds !== undefined && options.attachmentIds.length > 0) frame.attachment_ids = options.attachmentIds;
    this.outbox.add(frame);
    if (this.state === "online") this.flushOutbox();
    return frame.client_ref;
  }

  /** Typing and read frames are not queued: when offline they are simply not sent. */
  typing(conversationId: string, state: "start" | "stop"): void {
    this.sendTransient({ type: "typing", conversation_id: conversationId, state });
  }

  read(conversationId: string, seq: number): boolean {
    return this.sendTransient({ type: "read", conversation_id: conversationId, seq });
  }

  /**
   * The app now holds a conversation up to `seq` (history loaded over HTTP): from here the
   * server delivers its events exactly once, in order, filling any gap. When offline, the
   * next hello carries the cursor instead.
   */
  resume(conversationId: string, seq: number): void {
    this.cursors.advance(conversationId, seq);
    this.sendTransient({ type: "resume", cursors: { [conversationId]: seq } });
  }

  private sendTransient(frame: ClientFrame): boolean {
    if (this.state !== "online") return false;
    this.write(frame);
    return true;
  }

  private connect(): void {
    this.setState("connecting");
    const factory = this.options.socketFactory ?? ((url: string) => new WebSocket(url));
    const socket = factory(this.options.url);
    this.socket = socket;
    this.outbox.newConnection();
    socket.onopen = () => this.sendHello();
    socket.onmessage = (ev) => this.onMessage(ev);
    socket.onclose = (ev) => this.onClose(ev.code);
    socket.onerror = () => undefined; // a close event always follows; handled there
  }

  private sendHello(): void {
    this.setState("syncing");
    const token = this.options.token?.();
    const hello: ClientFrame = {
      type: "hello",
      protocol: PROTOCOL_VERSION,
      cursors: this.cursors.toJSON(),
    };
    if (token !== undefined) hello.token = token;
    this.write(hello);
  }

  private onMessage(ev: MessageEvent): void {
    if (typeof ev.data !== "string") return;
    let frame: ServerFrame;
    try {
      frame = JSON.parse(ev.data) as ServerFrame;
    } catch {
      return;
    }
    // Unknown frame types are ignored: additive protocol changes keep version 1.
    const handler = this.frameHandlers[frame.type] as ((f: ServerFrame) => void) | undefined;
    handler?.(frame);
  }

  private onWelcome(frame: WelcomeFrame): void {
    this.startHeartbeat(frame.heartbeat_seconds || DEFAULT_HEARTBEAT_SECONDS);
    this.options.onWelcome?.(frame);
  }

  private onEvent(frame: EventFrame): void {
    if (typeof frame.seq === "number") {
      const conversationId = frame.conversation_id ?? conversationOf(frame);
      if (conversationId !== undefined && !this.cursors.accept(conversationId, frame.seq)) return;
    }
    const handler = this.options.events[frame.event] as
      | ((data: unknown, frame: EventFrame) => void)
      | undefined;
    handler?.(frame.data, frame);
  }

  private onSynced(): void {
    // A connection that got this far was good: the next drop starts the backoff afresh.
    this.attempt = 0;
    this.setState("online");
    this.flushOutbox();
    this.options.onSynced?.();
  }

  // The ack does not move the cursor: the message's own `message.created` (or an agent
  // message committed just before it) may still be on its way, and must not be dropped.
  // The apps match acked messages to events by client_ref and id instead.
  private onAck(frame: AckFrame): void {
    this.outbox.settle(frame.client_ref);
    this.options.onAck?.(frame);
  }

  private onErrorFrame(frame: ErrorFrame): void {
    const ref = frame.client_ref;
    if (ref !== undefined && FINAL_SEND_ERRORS.has(frame.code) && this.outbox.settle(ref)) {
      this.options.onSendFailed?.(ref, frame);
      return;
    }
    this.options.onError?.(frame);
  }

  private onClose(code: number): void {
    this.dropSocket();
    if (this.state === "stopped") return;
    if (code === CLOSE_UNAUTHORIZED || code === CLOSE_UNSUPPORTED) {
      this.setState("stopped");
      if (code === CLOSE_UNAUTHORIZED) this.options.onUnauthorized?.();
      return;
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.setState("offline");
    const delay = backoffDelay(this.attempt++, this.options.random);
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private flushOutbox(): void {
    for (const frame of this.outbox.takeUnsent()) this.write(frame);
  }

  private startHeartbeat(seconds: number): void {
    this.stopHeartbeat();
    this.heartbeatTimer = setInterval(() => this.ping(), seconds * 1000);
  }

  private ping(): void {
    this.write({ type: "ping" });
    if (this.pongTimer !== undefined) return;
    this.pongTimer = setTimeout(() => this.onPongTimeout(), PONG_TIMEOUT_MS);
  }

  /** A socket that stopped answering may take minutes to report its close: don't wait. */
  private onPongTimeout(): void {
    this.pongTimer = undefined;
    this.dropSocket(4000);
    if (this.state !== "stopped") this.scheduleReconnect();
  }

  private clearPongTimer(): void {
    clearTimeout(this.pongTimer);
    this.pongTimer = undefined;
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
    this.clearPongTimer();
  }

  /** Forgets the current socket (closing it if `closeCode` is given) and its timers. */
  private dropSocket(closeCode?: number): void {
    this.stopHeartbeat();
    const socket = this.socket;
    this.socket = null;
    if (socket === null) return;
    socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
    if (closeCode !== undefined) {
      try {
        socket.close(closeCode);
      } catch {
        // already closing
      }
    }
  }

  private write(frame: ClientFrame): void {
    if (this.socket?.readyState !== 1) return; // 1 = OPEN
    this.socket.send(JSON.stringify(frame));
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.options.onState?.(state);
  }

  private newClientRef(): string {
    return this.options.newClientRef?.() ?? uuid7();
  }
}

function conversationOf(frame: EventFrame): string | undefined {
  const message = (frame.data as { message?: Message }).message;
  return message?.conversation_id;
}
