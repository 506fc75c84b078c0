/**
 * Text helpers the widget and the console share: where the links are in a message
 * (only http, https and mailto ever become links), sizes, readable text on a colour.
 * Both render the segments as text nodes, so markup in a message stays text.
 */

export interface Segment {
  text: string;
  href?: string;
}

/** Candidates only: each is checked by safeHref before it becomes a link. */
const LINK = /\b(?:https?:\/\/|mailto:|www\.)[^\s<>"']+/gi;
/** Punctuation that ends a sentence rather than a URL: "see https://x.com/a." */
const TRAILING = /[.,;:!?)\]}'"»]+$/;
const SAFE_PROTOCOLS = new Set(["http:", "https:", "mailto:"]);

export function linkify(text: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    const trail = TRAILING.exec(match[0])?.[0] ?? "";
    const raw = match[0].slice(0, match[0].length - trail.length);
    const href = safeHref(raw.toLowerCase().startsWith("www.") ? `https://${raw}` : raw);
    if (href === null) continue;
    if (match.index > last) out.push({ text: text.slice(last, match.index) });
    out.push({ text: raw, href });
    last = match.index + raw.length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}

/** The normalised URL when its protocol is http, https or mailto; otherwise null. */
export function safeHref(raw: string): string | null {
  try {
    const url = new URL(raw);
    return SAFE_PROTOCOLS.has(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

/** An attachment URL from the server: same-origin paths, or http(s) elsewhere. */
export function safeFileUrl(raw: string): string | null {
  if (raw.startsWith("/") && !raw.startsWith("//")) return raw;
  try {
    const url = new URL(raw);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

/** "812 B", "48 KB", "2.4 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
}

/** White or near-black, whichever reads better on `hex` (WCAG contrast). */
export function textOn(hex: string): string {
  if (!/^#[0-9a-f]{6}$/i.test(hex)) return "#ffffff";
  const n = parseInt(hex.slice(1), 16);
  const [r, g, b] = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const lum = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return 1.05 / (lum + 0.05) >= (lum + 0.05) / 0.0565 ? "#ffffff" : "#111827";
}
