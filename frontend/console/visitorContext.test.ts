import { describe, expect, it } from "vitest";
import type { PageViewData } from "../shared/events.gen";
import type { AgentRow, LiveVisitor } from "./resources";
import {
  attributeRows,
  attributesOf,
  deviceText,
  formatDuration,
  INITIAL_CONTEXT,
  isIdentified,
  loadList,
  loadShare,
  localTime,
  receivePageView,
  referrerOf,
  setAgentStatus,
  timeOnPages,
  type ContextState,
} from "./visitorContext";

const view = (url: string, at: string, referrer = ""): PageViewData => ({ url, title: url, referrer, created_at: at });

describe("a visitor's pages", () => {
  const views = [
    view("https://shop.test/pricing", "2026-11-28T10:05:00Z"),
    view("https://shop.test/", "2026-11-28T10:00:00Z", "https://search.test/?q=tents"),
  ];

  it("gives each page its time: until the next one, and until now for the current one", () => {
    const timed = timeOnPages(views, new Date("2026-11-28T10:05:42Z"));
    expect(timed.map((v) => [v.view.url, v.seconds, v.current])).toEqual([
      ["https://shop.test/pricing", 42, true],
      ["https://shop.test/", 300, false],
    ]);
  });

  it("follows contact.page_viewed into the trail and the live list", () => {
    const live: LiveVisitor = {
      contact: { id: "c1" } as LiveVisitor["contact"],
      current_page: views[1]!,
      visit_started_at: "2026-11-28T10:00:00Z",
      page_views: 1,
    };
    const state: ContextState = { ...INITIAL_CONTEXT, pageViews: { c1: [views[1]!] }, liveVisitors: { c1: live } };
    const next = receivePageView(state, { contact_id: "c1", page_view: views[0]! });
    expect(next.pageViews["c1"]).toEqual(views);
    expect(next.liveVisitors?.["c1"]?.current_page.url).toBe("https://shop.test/pricing");
    expect(next.liveVisitors?.["c1"]?.page_views).toBe(2);
    expect(next.liveStale).toBe(false);
    // A contact nobody looks at is not collected; being new, the live list must be read again.
    const newcomer = receivePageView(state, { contact_id: "c2", page_view: views[0]! });
    expect(newcomer.pageViews["c2"]).toBeUndefined();
    expect(newcomer.liveStale).toBe(true);
  });

  it("finds where the visit came from", () => {
    expect(referrerOf(views)).toBe("https://search.test/?q=tents");
    expect(referrerOf([view("https://shop.test/", "2026-11-28T10:00:00Z")])).toBeNull();
  });
});

describe("visitor facts", () => {
  it("formats durations for people", () => {
    expect([formatDuration(5), formatDuration(59), formatDuration(60), formatDuration(3600), formatDuration(3900)]).toEqual([
      "5 s",
      "59 s",
      "1 min",
      "1 h",
      "1 h 5 min",
    ]);
  });

  it("tells the visitor's local time, and nothing for an unknown zone", () => {
    const now = new Date("2026-11-28T12:00:00Z");
    expect(localTime("Asia/Tokyo", now, "en-GB")).toBe("21:00");
    expect(localTime("Mars/Olympus", now)).toBeNull();
    expect(localTime(undefined, now)).toBeNull();
  });

  it("reads device fields, screen included", () => {
    const device = { browser: "Chrome 120", screen: { width: 1280, height: 800 }, os: "" };
    expect(deviceText(device, "browser")).toBe("Chrome 120");
    expect(deviceText(device, "screen")).toBe("1280×800");
    expect(deviceText(device, "os")).toBeNull();
  });

  it("calls a visitor identified when they have an email or an id from the site", () => {
    expect(isIdentified({ email: null, external_id: null })).toBe(false);
    expect(isIdentified({ email: "a@b.co", external_id: null })).toBe(true);
    expect(isIdentified({ email: null, external_id: "42" })).toBe(true);
  });

  it("edits custom attributes as rows", () => {
    expect(attributeRows({ plan: "pro", seats: 3 })).toEqual([
      ["plan", "pro"],
      ["seats", "3"],
    ]);
    expect(attributesOf([["plan", "team"], [" ", "dropped"], ["plan ", "last wins"]])).toEqual({ plan: "last wins" });
  });
});

describe("agents' load", () => {
  const agent = (id: string, status: AgentRow["status"], open: number, active = true): AgentRow => ({
    id,
    name: id,
    email: `${id}@x.test`,
    role: "agent",
    status,
    max_chats: 3,
    open_chats: open,
    all_teams: false,
    active,
  });

  it("lists active agents, online first, busiest first", () => {
    const agents = { a: agent("a", "offline", 0), b: agent("b", "online", 1), c: agent("c", "online", 3), d: agent("d", "online", 0, false) };
    expect(loadList(agents).map((a) => a.id)).toEqual(["c", "b", "a"]);
  });

  it("measures the seats in use, over capacity included", () => {
    expect(loadShare({ open_chats: 2, max_chats: 4 })).toBe(0.5);
    expect(loadShare({ open_chats: 5, max_chats: 3 })).toBe(1);
    expect(loadShare({ open_chats: 0, max_chats: 0 })).toBe(0);
  });

  it("follows agent.status_changed", () => {
    const state: ContextState = { ...INITIAL_CONTEXT, agents: { a: agent("a", "online", 1) } };
    const next = setAgentStatus(state, { agent: { id: "a", name: "a" }, status: "away" });
    expect(next.agents?.["a"]?.status).toBe("away");
    expect(setAgentStatus(INITIAL_CONTEXT, { agent: { id: "a", name: "a" }, status: "away" })).toBe(INITIAL_CONTEXT);
  });
});
