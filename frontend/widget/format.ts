/** Pure helpers for the widget view; the text helpers shared with the console live in shared/text.ts. */

export { formatBytes, linkify, safeHref, textOn, type Segment } from "../shared/text";

/** Does the admin's list of types (e.g. "image/png", "image/*", ".pdf") allow this file? */
export function typeAllowed(types: readonly string[], file: { name: string; type: string }): boolean {
  const type = file.type.toLowerCase();
  const name = file.name.toLowerCase();
  return types.some((t) => {
    const rule = t.toLowerCase().trim();
    if (rule.startsWith(".")) return name.endsWith(rule);
    if (rule.endsWith("/*")) return type.startsWith(rule.slice(0, -1));
    return rule === type;
  });
}

/** Two letters for an avatar: "Grace Hopper" → "GH". */
export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? "") + (parts.length > 1 ? parts.at(-1)![0] : "")).toUpperCase() || "?";
}
