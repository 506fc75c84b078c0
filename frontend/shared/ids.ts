/**
 * A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, the version, then random bits.
 *
 * Our clients make their `client_ref`s this way rather than with `crypto.randomUUID()`:
 * refs made later sort later, so the server's unique index of client_refs grows at its
 * end instead of changing a random page of it for every message. On SQLite that index
 * was a third of the pages each batch of messages wrote (docs/benchmarks.md).
 */
export function uuid7(now: number = Date.now()): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let ms = now;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = 0x70 | (bytes[6]! & 0x0f); // version 7
  bytes[8] = 0x80 | (bytes[8]! & 0x3f); // variant 10
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
