import { describe, expect, it } from "vitest";
import type { Conversation } from "../../shared/events.gen";
import { receivePage, INITIAL_INBOX, emptyListing, hasOlderThan } from "./state";
import { listFor, matches, unreadIn, viewKey, viewQuery, type InboxView } from "./views";
import { nearEnd, scrollToShow, windowOf } from "./virtualList";

function conv(id: string, at: string, o: Partial<Conversation> = {}): Conversation {
  return {
    id,
    website_id: "w",
    status: "open",
    assignee: null,
    contact: { id: `c${id}`, name: id, email: null },
    last_seq: 1,
    last_message: null,
    agent_last_read_seq: 1,
    contact_last_read_seq: 0,
    created_at: at,
    last_activity_at: at,
    ...o,
  };
}

describe("inbox views", () => {
  const me = { id: "me", name: "Me" };
  const all = {
    a: conv("a", "2026-01-01T10:00:00.000Z", { assignee: me, labels: ["vip"] }),
    b: conv("b", "2026-01-01T11:00:00.000Z", { team_id: "t1" }),
    c: conv("c", "2026-01-01T09:00:00.000Z", { status: "pending", snoozed_until: "2026-01-02T09:00:00.000Z" }),
    d: conv("d", "2026-01-01T08:00:00.000Z", { status: "resolved" }),
  };

  it("match folders and statuses, snoozed being pending with a wake-up time", () => {
    const ids = (view: InboxView) => Object.values(all).filter((c) => matches(view, c, "me")).map((c) => c.id);
    expect(ids({ folder: { kind: "mine" }, status: "open" })).toEqual(["a"]);
    expect(ids({ folder: { kind: "unassigned" }, status: "open" })).toEqual(["b"]);
    expect(ids({ folder: { kind: "team", id: "t1" }, status: "open" })).toEqual(["b"]);
    expect(ids({ folder: { kind: "label", label: "vip" }, status: "open" })).toEqual(["a"]);
    expect(ids({ folder: { kind: "all" }, status: "snoozed" })).toEqual(["c"]);
    expect(ids({ folder: { kind: "all" }, status: "pending" })).toEqual(["c"]);
  });

  it("list newest activity first, down to the loaded boundary, keeping the open one", () => {
    const view: InboxView = { folder: { kind: "all" }, status: "open" };
    expect(listFor(all, view, { meId: "me", boundary: null, keepId: null }).map((c) => c.id)).toEqual(["b", "a"]);
    expect(listFor(all, view, { meId: "me", boundary: "2026-01-01T10:30:00.000Z", keepId: null }).map((c) => c.id)).toEqual(["b"]);
    expect(listFor(all, view, { meId: "me", boundary: null, keepId: "d" }).map((c) => c.id)).toEqual(["b", "a", "d"]);
  });

  it("ask the server for the same view", () => {
    expect(viewQuery({ folder: { kind: "mine" }, status: "open" }, 50, null)).toBe("status=open&limit=50&assignee=me");
    expect(viewQuery({ folder: { kind: "label", label: "vip" }, status: "snoozed" }, 50, "xyz")).toBe(
      "status=snoozed&limit=50&label=vip&cursor=xyz",
    );
  });

  it("take pages of the current view only and set the boundary while more remain", () => {
    const view: InboxView = { folder: { kind: "all" }, status: "open" };
    const state = { inbox: { ...INITIAL_INBOX, view, listing: emptyListing(view) }, conversations: {} };
    const next = receivePage(state, viewKey(view), [all.b, all.a], "cursor1");
    expect(next.inbox.listing).toMatchObject({ cursor: "cursor1", boundary: all.a.last_activity_at, loaded: true });
    expect(Object.keys(next.conversations)).toEqual(["b", "a"]);
    expect(receivePage(state, "other|open", [all.b], null)).toBe(state);
    expect(receivePage(next, viewKey(view), [], null).inbox.listing.boundary).toBeNull();
  });

  it("read badges per folder", () => {
    const counts = { open: { mine: 1, unassigned: 2, all: 3, teams: { t1: 2 }, labels: { vip: 1 } } };
    expect(unreadIn(counts, "open", { kind: "unassigned" })).toBe(2);
    expect(unreadIn(counts, "open", { kind: "team", id: "t1" })).toBe(2);
    expect(unreadIn(counts, "pending", { kind: "all" })).toBe(0);
  });

  it("know whether older history remains", () => {
    const page = (first: number, n: number) => Array.from({ length: n }, (_, i) => ({ seq: first + i }) as never);
    expect(hasOlderThan(page(51, 50), 50)).toBe(true);
    expect(hasOlderThan(page(1, 50), 50)).toBe(false);
    expect(hasOlderThan(page(5, 10), 50)).toBe(false);
  });
});

describe("virtual list windowing", () => {
  it("renders the rows in view plus the overscan, with spacers for the rest", () => {
    const w = windowOf({ scrollTop: 840, viewport: 420, rowHeight: 84, count: 5000, overscan: 4 });
    expect(w).toEqual({ start: 6, end: 20, padTop: 504, padBottom: (5000 - 20) * 84 });
    expect(w.end - w.start).toBeLessThan(20);
  });

  it("clamps at both ends and handles an empty list", () => {
    expect(windowOf({ scrollTop: -50, viewport: 300, rowHeight: 100, count: 2, overscan: 3 })).toEqual({ start: 0, end: 2, padTop: 0, padBottom: 0 });
    expect(windowOf({ scrollTop: 0, viewport: 300, rowHeight: 100, count: 0, overscan: 3 })).toEqual({ start: 0, end: 0, padTop: 0, padBottom: 0 });
    const end = windowOf({ scrollTop: 99_999, viewport: 300, rowHeight: 100, count: 50, overscan: 3 });
    expect(end.end).toBe(50);
    expect(nearEnd(end, 50, 10)).toBe(true);
  });

  it("scrolls just enough to show a row", () => {
    expect(scrollToShow(10, 0, 300, 100)).toBe(800);
    expect(scrollToShow(1, 500, 300, 100)).toBe(100);
    expect(scrollToShow(6, 500, 300, 100)).toBeNull();
  });
});
