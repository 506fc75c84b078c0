/** Times the inbox shows and the snooze choices it offers. Pure, for tests. */

/** "Tue 09:00": a moment within the coming days, with the weekday to place it. */
export function formatMoment(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  return date.toLocaleString([], { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
}

export interface SnoozeChoice {
  key: "1h" | "3h" | "tomorrow" | "monday";
  until: Date;
}

/** In an hour, in three, tomorrow at 9:00 and next Monday at 9:00 (the agent's local time). */
export function snoozeChoices(now: Date): SnoozeChoice[] {
  const at9 = (days: number) => {
    const d = new Date(now);
    d.setDate(d.getDate() + days);
    d.setHours(9, 0, 0, 0);
    return d;
  };
  const daysToMonday = ((8 - now.getDay()) % 7) || 7;
  return [
    { key: "1h", until: new Date(now.getTime() + 3_600_000) },
    { key: "3h", until: new Date(now.getTime() + 3 * 3_600_000) },
    { key: "tomorrow", until: at9(1) },
    { key: "monday", until: at9(daysToMonday) },
  ];
}

/** The value of an <input type="datetime-local"> as a Date in local time, or null when invalid/past. */
export function parseLocal(value: string, now: Date): Date | null {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) || date <= now ? null : date;
}
