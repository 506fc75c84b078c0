import { describe, expect, it } from "vitest";
import { parse, pathOf } from "./route";

describe("console routes", () => {
  it("reads the inbox, a conversation and the settings page", () => {
    expect(parse("/console")).toEqual({ page: "inbox", conversationId: null });
    expect(parse("/console/conversations/c%201")).toEqual({ page: "inbox", conversationId: "c 1" });
    expect(parse("/console/settings")).toEqual({ page: "settings" });
  });

  it("reads the context, admin and invitation pages", () => {
    expect(parse("/console/settings/teams")).toEqual({ page: "settings", section: "teams" });
    expect(parse("/console/visitors")).toEqual({ page: "visitors" });
    expect(parse("/console/search")).toEqual({ page: "search" });
    expect(parse("/console/supervisor")).toEqual({ page: "supervisor" });
    expect(parse("/console/invite/abc-_1")).toEqual({ page: "invite", token: "abc-_1" });
    expect(parse("/console/constructor")).toEqual({ page: "inbox", conversationId: null });
  });

  it("writes what it reads", () => {
    const more = ["/console/settings/agents", "/console/visitors", "/console/search", "/console/supervisor", "/console/invite/t0k"];
    for (const path of ["/console", "/console/conversations/abc", "/console/settings", ...more]) {
      expect(pathOf(parse(path))).toBe(path);
    }
  });
});
