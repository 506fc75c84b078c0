/** Pure helpers for the view: where the links are in a message, sizes, colours. */

export type Segment = { text: string; href?: string };

/** http(s), mailto and www. links; anything else (javascript:, data:, ...) stays text. */
const LINK = /\b(?:https?:\/\/|mailto:|www\.)[^\s<>"']+/gi;
/** Punctuation that ends a sentence rather than a URL: "see https://x.com/a." */
const TRAILING = /[.,;:!?)\]}'"»]+$/;
const SAFE_PROTOCOLS = new Set(["http:", "https:", "mailto:"]);

export function linkify(text: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    let raw = match[0];
    const trail = TRAILING.exec(raw)?.[0] ?? "";
    raw = raw.slice(0, raw.length - trail.length);
    const href = safeHref(raw.toLowerCase().startsWith("www.") ? "https://" + raw : raw);
    if (href === null) continue;
    const start = match.index;
    if (start > last) out.push({ text: text.slice(last, start) });
    out.push({ text: raw, href });
    last = start + raw.length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}

export function safeHref(raw: string): string | null {
  try {
    const url = new URL(raw);
    return SAFE_PROTOCOLS.has(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
}

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

/** White or near-black, whichever reads better on `hex` (WCAG contrast). */
export function textOn(hex: string): string {
  const lum = luminance(hex);
  return (1.05 / (lum + 0.05)) >= (lum + 0.05) / 0.0565 ? "#ffffff" : "#111827";
}

function luminance(hex: string): number {
  const n = parseInt(hex.slice(1), 16);
  const channels = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * channels[0]! + 0.7152 * channels[1]! + 0.0722 * channels[2]!;
}

/** Two letters for an avatar: "Grace Hopper" → "GH". */
export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? "") + (parts.length > 1 ? parts.at(-1)![0] : "")).toUpperCase() || "?";
}
