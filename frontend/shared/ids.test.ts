import { describe, expect, it } from "vitest";
import { uuid7 } from "./ids";

describe("uuid7", () => {
  it("is a version 7 UUID whose first 48 bits are the milliseconds", () => {
    const ref = uuid7(Date.UTC(2026, 11, 4, 15, 20, 1, 123));
    expect(ref).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(ref.slice(0, 8) + ref.slice(9, 13), 16)).toBe(Date.UTC(2026, 11, 4, 15, 20, 1, 123));
  });

  it("sorts by time, and differs within one millisecond", () => {
    const earlier = uuid7(1_000_000_000_000);
    const later = uuid7(1_000_000_000_001);
    expect(earlier < later).toBe(true);
    expect(uuid7(1_000_000_000_000)).not.toBe(uuid7(1_000_000_000_000));
  });

  it("is accepted as a client_ref (8-64 letters, digits or -_.:)", () => {
    expect(uuid7()).toMatch(/^[A-Za-z0-9_.:-]{8,64}$/);
  });
});
