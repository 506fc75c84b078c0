import type { SendFrame } from "./frames";

/**
 * Messages sent but not yet acknowledged.
 *
 * A frame stays here until its `ack` arrives, and is sent again on every new connection
 * (after `synced`). The server answers a repeated `client_ref` with the message it
 * already stored, so a message typed while offline, or lost with a dropped socket, is
 * delivered exactly once.
 */
export class Outbox {
  private readonly pending = new Map<string, SendFrame>();
  /** client_refs already written on the current connection, so a flush sends each once. */
  private sentOnConnection = new Set<string>();

  add(frame: SendFrame): void {
    this.pending.set(frame.client_ref, frame);
  }

  /** Removes an acknowledged (or definitively refused) frame; true if it was pending. */
  settle(clientRef: string): boolean {
    this.sentOnConnection.delete(clientRef);
    return this.pending.delete(clientRef);
  }

  has(clientRef: string): boolean {
    return this.pending.has(clientRef);
  }

  get size(): number {
    return this.pending.size;
  }

  /** Called when a connection is lost: everything unacknowledged must go out again. */
  newConnection(): void {
    this.sentOnConnection = new Set();
  }

  /** Frames not yet written on this connection, oldest first; marks them written. */
  takeUnsent(): SendFrame[] {
    const out: SendFrame[] = [];
    for (const frame of this.pending.values()) {
      if (this.sentOnConnection.has(frame.client_ref)) continue;
      this.sentOnConnection.add(frame.client_ref);
      out.push(frame);
    }
    return out;
  }
}
