import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { TYPING_IDLE_MS, TypingNotifier } from "./typing";

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

it("sends start once while typing and stop after a pause", () => {
  const frames: string[] = [];
  const notifier = new TypingNotifier((id, state) => frames.push(`${id}:${state}`));
  notifier.typed("c1", "h");
  notifier.typed("c1", "he");
  notifier.typed("c1", "hel");
  expect(frames).toEqual(["c1:start"]);
  vi.advanceTimersByTime(TYPING_IDLE_MS);
  expect(frames).toEqual(["c1:start", "c1:stop"]);
});

it("stops when the box is cleared or the conversation changes", () => {
  const frames: string[] = [];
  const notifier = new TypingNotifier((id, state) => frames.push(`${id}:${state}`));
  notifier.typed("c1", "x");
  notifier.typed("c2", "y");
  notifier.typed("c2", "");
  notifier.stop();
  expect(frames).toEqual(["c1:start", "c1:stop", "c2:start", "c2:stop"]);
});
