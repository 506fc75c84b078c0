import { describe, expect, it } from "vitest";
import { parse, pathOf } from "./route";

describe("console routes", () => {
  it("reads the inbox, a conversation and the settings page", () => {
    expect(parse("/console")).toEqual({ page: "inbox", conversationId: null });
    expect(parse("/console/conversations/c%201")).toEqual({ page: "inbox", conversationId: "c 1" });
    expect(parse("/console/settings")).toEqual({ page: "settings" });
  });

  it("writes what it reads", () => {
    for (const path of ["/console", "/console/conversations/abc", "/console/settings"]) {
      expect(pathOf(parse(path))).toBe(path);
    }
  });
});
