import { describe, expect, it } from "vitest";
import { conditionDraft, conditionOf, hoursDraft, hoursOf, moved } from "./adminDrafts";
import { dayBound } from "./components/context/SearchPage";

describe("business hours in the team form", () => {
  it("starts closed at weekends and always open until turned on", () => {
    const draft = hoursDraft(null, "Europe/Berlin");
    expect(draft.enabled).toBe(false);
    expect(hoursOf(draft)).toBeNull();
    expect(hoursOf({ ...draft, enabled: true })).toEqual({
      time_zone: "Europe/Berlin",
      weekly: Object.fromEntries(["mon", "tue", "wed", "thu", "fri"].map((d) => [d, [["09:00", "17:00"]]])),
      holidays: [],
    });
  });

  it("reads what the API stores and writes it back", () => {
    const hours = {
      time_zone: "America/New_York",
      weekly: { mon: [["08:30", "12:00"], ["13:00", "18:00"]] as [string, string][], sat: [["10:00", "14:00"]] as [string, string][] },
      holidays: ["2026-12-25", "2027-01-01"],
    };
    const draft = hoursDraft(hours);
    expect(draft.days.mon).toEqual({ open: true, from: "08:30", to: "18:00" });
    expect(draft.days.tue.open).toBe(false);
    expect(hoursOf({ ...draft, holidays: "2026-12-25\n 2027-01-01 ,\n" })).toEqual({
      time_zone: "America/New_York",
      weekly: { mon: [["08:30", "18:00"]], sat: [["10:00", "14:00"]] },
      holidays: ["2026-12-25", "2027-01-01"],
    });
  });
});

describe("routing conditions", () => {
  it("splits and joins named fields", () => {
    expect(conditionDraft({ field: "prechat.email", op: "contains", value: "@acme" })).toEqual({
      kind: "prechat",
      name: "email",
      op: "contains",
      value: "@acme",
    });
    expect(conditionOf({ kind: "attribute", name: " plan.tier ", op: "equals", value: "pro" })).toEqual({
      field: "attribute.plan.tier",
      op: "equals",
      value: "pro",
    });
    expect(conditionOf({ kind: "url", name: "ignored", op: "regex", value: "^/de/" }).field).toBe("url");
  });
});

describe("rule order", () => {
  it("moves one place and stays within the list", () => {
    expect(moved(["a", "b", "c"], 2, -1)).toEqual(["a", "c", "b"]);
    expect(moved(["a", "b", "c"], 0, -1)).toEqual(["a", "b", "c"]);
    expect(moved(["a", "b", "c"], 0, 5)).toEqual(["b", "c", "a"]);
  });
});

describe("search dates", () => {
  it("covers whole days", () => {
    expect(dayBound("2026-11-28", false)).toBe("2026-11-28T00:00:00.000Z");
    expect(dayBound("2026-11-28", true)).toBe("2026-11-28T23:59:59.999Z");
    expect(dayBound("", true)).toBeUndefined();
  });
});
