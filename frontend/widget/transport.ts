/**
 * WebSocket where it works, HTTP where it is blocked (some corporate proxies and
 * antivirus products kill WebSockets). The fallback is a SocketLike, so the same protocol
 * client runs over it with the same cursors, outbox and backoff, hence the same no-loss,
 * no-duplicate rules:
 *   hello  → GET /widget/stream?cursors=… read as Server-Sent Events through fetch()
 *            (fetch, unlike EventSource, can send the Authorization header); each `data:`
 *            line is one server frame exactly as on the socket
 *   send   → POST /widget/messages; its answer becomes the `ack` (or `error`) frame
 *   typing → POST /widget/typing, read → POST /widget/read, ping → a local pong (the
 *            stream's own end is what tells the client the connection is gone)
 */
import type { SocketFactory, SocketLike } from "../shared/client";
import type { ClientFrame, ServerFrame } from "../shared/frames";
import type { WidgetApi } from "./api";

/** WebSocket connects that fail without ever opening before we take them for blocked. */
const WS_FAILURES_BEFORE_FALLBACK = 2;

/** HTTP statuses that no retry fixes, as the socket's error codes (the message is shown as failed). */
const FINAL_STATUS: Record<number, string> = { 400: "invalid", 403: "forbidden", 404: "not_found", 409: "conflict", 413: "too_large", 422: "invalid" };

export function transportFactory(api: WidgetApi, remember: (http: boolean) => void, startHttp: boolean): SocketFactory {
  let failures = 0;
  let opened = false;
  let http = startHttp || typeof WebSocket !== "function";
  const fallBack = (): void => {
    http = true;
    remember(true);
  };
  return (url) => {
    if (http) return new HttpSocket(api);
    let socket: WebSocket;
    try {
      socket = new WebSocket(url);
    } catch {
      fallBack(); // e.g. refused by the page's CSP
      return new HttpSocket(api);
    }
    // Registered before the client's own onclose, so the next reconnect already uses HTTP.
    socket.addEventListener("open", () => (opened = true));
    socket.addEventListener("close", () => {
      if (!opened && ++failures >= WS_FAILURES_BEFORE_FALLBACK) fallBack();
    });
    return socket;
  };
}

export class HttpSocket implements SocketLike {
  readyState = 0;
  onopen: ((ev: Event) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onclose: ((ev: CloseEvent) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;
  private readonly aborter = new AbortController();

  constructor(private readonly api: WidgetApi) {
    setTimeout(() => {
      if (this.readyState !== 0) return;
      this.readyState = 1;
      this.onopen?.(new Event("open"));
    });
  }

  send(data: string): void {
    const frame = JSON.parse(data) as ClientFrame;
    if (frame.type === "hello") void this.stream(frame.token, frame.cursors);
    else if (frame.type === "send") void this.post(frame);
    else if (frame.type === "typing") this.api.typing(frame.conversation_id, frame.state).catch(() => undefined);
    else if (frame.type === "read") this.api.read(frame.conversation_id, frame.seq).catch(() => undefined);
    else if (frame.type === "ping") setTimeout(() => this.deliver({ type: "pong" }));
  }

  close(): void {
    this.readyState = 3;
    this.aborter.abort();
  }

  private async stream(token: string | undefined, cursors: Record<string, number>): Promise<void> {
    const url = this.api.url(`/api/v1/widget/stream?cursors=${encodeURIComponent(JSON.stringify(cursors))}`);
    try {
      const response = await fetch(url, {
        headers: { Authorization: `Bearer ${token ?? ""}`, Accept: "text/event-stream" },
        cache: "no-store",
        signal: this.aborter.signal,
      });
      if (response.status === 401) return this.finish(4401);
      if (!response.ok || response.body === null) return this.finish(1011);
      await readEvents(response.body, (data) => this.deliverText(data));
    } catch {
      // aborted by close(), or the network went away
    }
    this.finish(1006);
  }

  private async post(frame: Extract<ClientFrame, { type: "send" }>): Promise<void> {
    const body: Record<string, unknown> = { client_ref: frame.client_ref, body: frame.body };
    if (frame.conversation_id !== undefined) body["conversation_id"] = frame.conversation_id;
    if (frame.attachment_ids !== undefined) body["attachment_ids"] = frame.attachment_ids;
    let response: Response;
    try {
      response = await fetch(this.api.url("/api/v1/widget/messages"), {
        method: "POST",
        headers: { ...this.api.auth(), "Content-Type": "application/json" },
        body: JSON.stringify(body),
        signal: this.aborter.signal,
      });
    } catch {
      return this.finish(1006); // the client reconnects and sends it again (same client_ref)
    }
    const answer = (await response.json().catch(() => null)) as Record<string, unknown> | null;
    if (response.ok && answer !== null) {
      this.deliver({ type: "ack", client_ref: frame.client_ref, message: answer as never, duplicate: response.status === 200 });
    } else if (response.status === 401) {
      this.finish(4401);
    } else if (FINAL_STATUS[response.status] !== undefined) {
      const error = (answer?.["error"] ?? {}) as { message?: string; field?: string };
      this.deliver({ type: "error", code: FINAL_STATUS[response.status]!, message: error.message ?? "Refused", client_ref: frame.client_ref });
    } else {
      this.finish(1011); // 5xx or 429: try again after the backoff
    }
  }

  private deliver(frame: ServerFrame): void {
    this.deliverText(JSON.stringify(frame));
  }

  private deliverText(data: string): void {
    if (this.readyState === 1) this.onmessage?.(new MessageEvent("message", { data }));
  }

  private finish(code: number): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.aborter.abort();
    this.onclose?.(new CloseEvent("close", { code }));
  }
}

/** Reads a text/event-stream body, calling `onData` with each event's data (comments skipped). */
export async function readEvents(body: ReadableStream<Uint8Array>, onData: (data: string) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let data: string[] = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, end).replace(/\r$/, "");
      buffer = buffer.slice(end + 1);
      if (line === "") {
        if (data.length > 0) onData(data.join("\n"));
        data = [];
      } else if (line.startsWith("data:")) {
        data.push(line.slice(line[5] === " " ? 6 : 5));
      }
    }
  }
}
