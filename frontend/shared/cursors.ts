/**
 * The highest `seq` this client holds per conversation.
 *
 * The server may deliver an event twice around a reconnect (once live, once in the
 * replay that follows the next `hello`); comparing with the cursor is what makes every
 * event count once. Gaps are normal (a visitor never sees private notes), so only
 * "not newer than what we hold" is a reason to drop.
 */
export class Cursors {
  private readonly lastSeq = new Map<string, number>();

  /** True when the event is new (and records it); false for a repeat to drop. */
  accept(conversationId: string, seq: number): boolean {
    const held = this.lastSeq.get(conversationId);
    if (held !== undefined && seq <= held) return false;
    this.lastSeq.set(conversationId, seq);
    return true;
  }

  /** Records what the app already holds (e.g. history loaded over HTTP); never goes back. */
  advance(conversationId: string, seq: number): void {
    const held = this.lastSeq.get(conversationId) ?? -1;
    if (seq > held) this.lastSeq.set(conversationId, seq);
  }

  get(conversationId: string): number | undefined {
    return this.lastSeq.get(conversationId);
  }

  /** The `cursors` field of a `hello` frame. */
  toJSON(): Record<string, number> {
    return Object.fromEntries(this.lastSeq);
  }
}
