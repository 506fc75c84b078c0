/**
 * Reconnect delays: exponential backoff with full jitter (docs/protocol.md, "Heartbeats").
 *
 * Retry number `attempt` waits a random time between 0 and its window: 0.5 s doubling up
 * to 15 s. A node that restarts drops every socket on it at the same instant; with the
 * whole window random (not just the last 30% of it, as before) the widgets it dropped
 * come back spread evenly over the window instead of bunched at its end, so the node
 * meets a steady stream, not a wall (the "full jitter" of AWS's "Exponential Backoff And
 * Jitter": the least work for the server and the soonest finish of the schemes compared
 * there). The first window is short because most drops are a restart or a blip; the cap
 * keeps a long outage from leaving a visitor waiting minutes after the server is back,
 * and is also the longest a visitor waits once it is (7.5 s on average at the cap).
 */
export const BACKOFF_FIRST_MS = 500;
export const BACKOFF_MAX_MS = 15_000;

/** The window retry number `attempt` (0 for the first) draws its delay from. */
export function backoffWindow(attempt: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** Math.max(0, attempt));
}

/** Delay before retry number `attempt`: uniform in [0, window); `random` is in [0, 1). */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  return Math.floor(backoffWindow(attempt) * Math.min(Math.max(random(), 0), 1));
}
