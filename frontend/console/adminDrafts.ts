/**
 * Forms of the admin settings as plain values, and their conversion to and from what
 * the API takes (docs/routing.md): business hours, routing conditions, rule order.
 */
import type { BusinessHours, Condition, Weekday } from "./resources";

export const WEEKDAYS: readonly Weekday[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

export interface DayDraft {
  open: boolean;
  from: string;
  to: string;
}

export interface HoursDraft {
  /** false: always open (business_hours null). */
  enabled: boolean;
  time_zone: string;
  days: Record<Weekday, DayDraft>;
  /** One YYYY-MM-DD per line. */
  holidays: string;
}

const WORKDAY: DayDraft = { open: true, from: "09:00", to: "17:00" };
const CLOSED: DayDraft = { open: false, from: "09:00", to: "17:00" };

/** The browser's zone: the likeliest one for a new team's hours. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/**
 * The form's values. The form edits one opening per day; a day with several (set over
 * the API) shows its first opening to its last closing.
 */
export function hoursDraft(hours: BusinessHours | null, zone = browserTimeZone()): HoursDraft {
  if (hours === null) {
    const days = Object.fromEntries(WEEKDAYS.map((d) => [d, d === "sat" || d === "sun" ? CLOSED : WORKDAY]));
    return { enabled: false, time_zone: zone, days: days as Record<Weekday, DayDraft>, holidays: "" };
  }
  const days = Object.fromEntries(
    WEEKDAYS.map((d) => {
      const ranges = hours.weekly[d] ?? [];
      const first = ranges[0];
      const last = ranges[ranges.length - 1];
      return [d, first === undefined || last === undefined ? CLOSED : { open: true, from: first[0], to: last[1] }];
    }),
  );
  return {
    enabled: true,
    time_zone: hours.time_zone,
    days: days as Record<Weekday, DayDraft>,
    holidays: hours.holidays.join("\n"),
  };
}

export function hoursOf(draft: HoursDraft): BusinessHours | null {
  if (!draft.enabled) return null;
  const weekly: BusinessHours["weekly"] = {};
  for (const d of WEEKDAYS) {
    const day = draft.days[d];
    if (day.open) weekly[d] = [[day.from, day.to]];
  }
  const holidays = draft.holidays
    .split(/[\s,]+/)
    .map((h) => h.trim())
    .filter((h) => h !== "");
  return { time_zone: draft.time_zone.trim(), weekly, holidays };
}

/** Condition kinds; `prechat` and `attribute` take the name of a field. */
export const CONDITION_KINDS = ["url", "language", "country", "prechat", "attribute"] as const;
export type ConditionKind = (typeof CONDITION_KINDS)[number];

export interface ConditionDraft {
  kind: ConditionKind;
  /** The pre-chat field or attribute name, for those kinds. */
  name: string;
  op: Condition["op"];
  value: string;
}

export function needsName(kind: ConditionKind): boolean {
  return kind === "prechat" || kind === "attribute";
}

export function conditionDraft(condition: Condition): ConditionDraft {
  const [head, ...rest] = condition.field.split(".");
  const kind = CONDITION_KINDS.find((k) => k === head) ?? "url";
  return { kind, name: needsName(kind) ? rest.join(".") : "", op: condition.op, value: condition.value };
}

export function conditionOf(draft: ConditionDraft): Condition {
  const field = needsName(draft.kind) ? `${draft.kind}.${draft.name.trim()}` : draft.kind;
  return { field, op: draft.op, value: draft.value };
}

/** The ids with the one at `index` moved by `delta` places (clamped to the list). */
export function moved<T>(items: readonly T[], index: number, delta: number): T[] {
  const target = Math.min(items.length - 1, Math.max(0, index + delta));
  const copy = [...items];
  const [item] = copy.splice(index, 1);
  if (item !== undefined) copy.splice(target, 0, item);
  return copy;
}
