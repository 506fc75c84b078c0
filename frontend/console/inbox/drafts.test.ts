import { describe, expect, it } from "vitest";
import { Drafts, MAX_DRAFTS, type DraftStorage } from "./drafts";
import { afterIdleChange, IdleWatcher } from "./idle";
import { actionFor } from "./shortcuts";
import { alertsForMessage, titleWith } from "./alerts";
import { snoozeChoices } from "./time";

function memoryStorage(): DraftStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

describe("drafts", () => {
  it("survive a reload, per agent and conversation", () => {
    const storage = memoryStorage();
    new Drafts("grace", storage).set("c1", { text: "Let me check", private: false });
    new Drafts("grace", storage).set("c2", { text: "@Alan look", private: true });
    const reloaded = new Drafts("grace", storage);
    expect(reloaded.get("c1")).toEqual({ text: "Let me check", private: false });
    expect(reloaded.get("c2")).toEqual({ text: "@Alan look", private: true });
    expect(new Drafts("alan", storage).get("c1").text).toBe("");
  });

  it("are dropped when sent or emptied, and the oldest go past the limit", () => {
    const storage = memoryStorage();
    let clock = 0;
    const drafts = new Drafts("grace", storage, () => ++clock);
    drafts.set("c1", { text: "x", private: false });
    drafts.clear("c1");
    expect(new Drafts("grace", storage).get("c1").text).toBe("");
    for (let i = 0; i <= MAX_DRAFTS; i++) drafts.set(`k${i}`, { text: String(i), private: false });
    const kept = new Drafts("grace", storage);
    expect(kept.get("k0").text).toBe("");
    expect(kept.get(`k${MAX_DRAFTS}`).text).toBe(String(MAX_DRAFTS));
  });

  it("tolerate broken or missing storage", () => {
    const storage = memoryStorage();
    storage.data.set("frontdesk.drafts.grace", "{not json");
    expect(new Drafts("grace", storage).get("c1").text).toBe("");
    const none = new Drafts("grace", null);
    none.set("c1", { text: "kept in memory", private: false });
    expect(none.get("c1").text).toBe("kept in memory");
  });
});

describe("auto-away", () => {
  it("goes away when idle and comes back only if it set away itself", () => {
    let now = 0;
    const changes: boolean[] = [];
    const watcher = new IdleWatcher((idle) => changes.push(idle), 1000, () => now);
    now = 999;
    watcher.check();
    now = 1000;
    watcher.check();
    watcher.activity();
    expect(changes).toEqual([true, false]);

    expect(afterIdleChange(true, { status: "online", autoAway: false }).send).toBe("away");
    expect(afterIdleChange(false, { status: "away", autoAway: true }).send).toBe("online");
    expect(afterIdleChange(false, { status: "away", autoAway: false }).send).toBeNull(); // chosen by the agent
    expect(afterIdleChange(true, { status: "offline", autoAway: false }).send).toBeNull();
  });
});

describe("shortcuts, alerts and times", () => {
  const key = (k: string, inField = false) => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, inField });
  it("map keys to actions, leaving text fields alone except Escape", () => {
    expect(actionFor(key("j"))).toBe("next");
    expect(actionFor(key("ArrowUp"))).toBe("previous");
    expect(actionFor(key("?"))).toBe("help");
    expect(actionFor(key("j", true))).toBeNull();
    expect(actionFor(key("Escape", true))).toBe("escape");
    expect(actionFor({ ...key("r"), ctrlKey: true })).toBeNull();
  });

  it("alert on visitor messages in the agent's or nobody's chats unless on screen", () => {
    const c = { id: "c1", assignee: null } as never;
    const m = { author: { type: "visitor" } } as never;
    expect(alertsForMessage(c, m, { meId: "me", selectedId: "c2", hidden: false })).toBe(true);
    expect(alertsForMessage(c, m, { meId: "me", selectedId: "c1", hidden: false })).toBe(false);
    expect(alertsForMessage(c, m, { meId: "me", selectedId: "c1", hidden: true })).toBe(true);
    const theirs = { id: "c1", assignee: { id: "other" } } as never;
    expect(alertsForMessage(theirs, m, { meId: "me", selectedId: null, hidden: true })).toBe(false);
    expect(titleWith("Frontdesk", 3)).toBe("(3) Frontdesk");
    expect(titleWith("Frontdesk", 0)).toBe("Frontdesk");
  });

  it("offer snooze times in the future, Monday being the next one", () => {
    const friday = new Date(2026, 0, 9, 15, 30); // a Friday
    const choices = snoozeChoices(friday);
    expect(choices.every((c) => c.until > friday)).toBe(true);
    const monday = choices.find((c) => c.key === "monday")!.until;
    expect([monday.getDay(), monday.getDate(), monday.getHours()]).toEqual([1, 12, 9]);
  });
});
