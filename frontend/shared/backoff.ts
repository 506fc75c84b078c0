/**
 * Reconnect delays: exponential backoff with full jitter (docs/protocol.md, "Heartbeats").
 *
 * Retry number `attempt` waits a random time between 0 and its window: 0.5 s doubling up
 * to 8 s. A node that restarts drops every socket on it at the same instant; with the
 * whole window random (not just the last 30% of it, as before) the widgets it dropped
 * come back spread evenly over the window instead of bunched at its end, so the node
 * meets a steady stream, not a wall (the "full jitter" of AWS's "Exponential Backoff And
 * Jitter": the least work for the server and the soonest finish of the schemes compared
 * there). The first window is short because most drops are a restart or a blip.
 *
 * The cap is the longest a visitor waits once the server is back: a node takes 3-5 s to
 * restart here, by when most widgets are in their 4 or 8 s window. At 15 s (until issue
 * 24) the last of 200 widgets came back 14 s after the node answered, its own timer all
 * of that; at 8 s a restarted node meets its 10,000 sockets spread over 8 s, about 1,250
 * a second, what one node takes (docs/benchmarks.md, "Reconnect storm").
 */
export const BACKOFF_FIRST_MS = 500;
export const BACKOFF_MAX_MS = 8_000;

/** The window retry number `attempt` (0 for the first) draws its delay from. */
export function backoffWindow(attempt: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** Math.max(0, attempt));
}

/** Delay before retry number `attempt`: uniform in [0, window); `random` is in [0, 1). */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  return Math.floor(backoffWindow(attempt) * Math.min(Math.max(random(), 0), 1));
}
