/**
 * Sends `typing` start/stop for one person's composer: `start` once when they begin,
 * `stop` when they send, clear the box, or pause. Typing frames are not stored and may
 * be dropped, so the receiving side also hides the indicator on its own after a while.
 */

/** The user counts as typing until this long after the last keystroke. */
export const TYPING_IDLE_MS = 3_000;
/** How long the indicator stays up without news, in case a `stop` was dropped. */
export const TYPING_SHOWN_MS = 8_000;

export type TypingSend = (conversationId: string, state: "start" | "stop") => void;

export class TypingNotifier {
  private active: string | null = null;
  private idle: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly sendFrame: TypingSend) {}

  typed(conversationId: string, text: string): void {
    if (text.trim() === "") return this.stop();
    if (this.active !== conversationId) {
      this.stop();
      this.sendFrame(conversationId, "start");
      this.active = conversationId;
    }
    clearTimeout(this.idle);
    this.idle = setTimeout(() => this.stop(), TYPING_IDLE_MS);
  }

  stop(): void {
    clearTimeout(this.idle);
    if (this.active !== null) this.sendFrame(this.active, "stop");
    this.active = null;
  }
}
