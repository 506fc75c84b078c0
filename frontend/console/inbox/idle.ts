/**
 * Automatic "away": an agent who has not touched the console for a while stops being
 * offered new chats, and is online again on their first move, but only if it was the
 * console that set them away (a status the agent chose stays until they change it).
 */
import type { AgentStatus } from "./status";

/**
 * Ten minutes: longer than reading a long conversation or a lookup in another tab,
 * shorter than the wait a visitor would accept for a first answer.
 */
export const IDLE_AWAY_MS = 10 * 60_000;
/** How often idleness is checked; the away switch may come this much late. */
export const IDLE_CHECK_MS = 15_000;
export const ACTIVITY_EVENTS = ["pointerdown", "pointermove", "keydown", "wheel", "touchstart", "focus"] as const;

export class IdleWatcher {
  private last: number;
  private idle = false;

  constructor(
    private readonly onChange: (idle: boolean) => void,
    private readonly idleMs: number = IDLE_AWAY_MS,
    private readonly now: () => number = Date.now,
  ) {
    this.last = now();
  }

  activity(): void {
    this.last = this.now();
    if (!this.idle) return;
    this.idle = false;
    this.onChange(false);
  }

  check(): void {
    if (this.idle || this.now() - this.last < this.idleMs) return;
    this.idle = true;
    this.onChange(true);
  }
}

export interface StatusState {
  status: AgentStatus;
  /** True when the console (not the agent) set the status to away. */
  autoAway: boolean;
}

/** What idleness changes: the new state, and the status to send if any. */
export function afterIdleChange(idle: boolean, s: StatusState): { next: StatusState; send: AgentStatus | null } {
  if (idle && s.status === "online") return { next: { status: "away", autoAway: true }, send: "away" };
  if (!idle && s.autoAway && s.status === "away") return { next: { status: "online", autoAway: false }, send: "online" };
  return { next: s, send: null };
}
