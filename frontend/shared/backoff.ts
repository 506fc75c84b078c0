/**
 * Reconnect delays: 0.5 s doubling up to 15 s (docs/protocol.md, "Heartbeats").
 *
 * The first retry is quick because most drops are a server restart (close 1012) or a
 * blip; the cap keeps a long outage from leaving a visitor waiting minutes after the
 * server is back. Jitter takes up to 30% off each delay so that the thousands of
 * widgets a restart disconnects do not all come back in the same instant.
 */
export const BACKOFF_FIRST_MS = 500;
export const BACKOFF_MAX_MS = 15_000;
export const BACKOFF_JITTER = 0.3;

/** Delay before retry number `attempt` (0 for the first); `random` is in [0, 1). */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** attempt);
  return Math.round(base * (1 - BACKOFF_JITTER * random()));
}
