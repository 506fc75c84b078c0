/**
 * The website's settings (docs/api.md, "Website settings the widget reads") as the view
 * uses them. Anything missing or malformed falls back to the default, so a half-saved
 * setting never breaks a customer's site.
 */
export interface PrechatField {
  name: string;
  label: string;
  type: "text" | "email" | "tel";
  required: boolean;
}

export interface Look {
  title: string | null;
  /** The title while nobody is online (Olark's unavailable_title); null: the usual title. */
  awayTitle: string | null;
  greeting: string | null;
  away: string | null;
  color: string;
  position: "left" | "right";
  offsetX: number;
  offsetY: number;
  theme: "light" | "dark" | "auto";
  logoUrl: string | null;
  showAgentNames: boolean;
  showAgentAvatars: boolean;
  locale: string | null;
  prechat: { enabled: boolean; fields: PrechatField[] };
  attachments: { enabled: boolean; maxBytes: number; types: string[] };
  ratingEnabled: boolean;
  transcriptEnabled: boolean;
  /** The server sends email: without it, no promise of an email reply. */
  emailAvailable: boolean;
}

/** The server's English defaults: replaced by the visitor's language when unchanged. */
const SERVER_DEFAULTS = new Set([
  "Chat with us",
  "Hi! How can we help you today?",
  "We're away right now. Leave a message and we'll get back to you by email.",
]);

export const DEFAULT_LOOK: Look = {
  title: null,
  awayTitle: null,
  greeting: null,
  away: null,
  color: "#2563eb",
  position: "right",
  offsetX: 20,
  offsetY: 20,
  theme: "light",
  logoUrl: null,
  showAgentNames: true,
  showAgentAvatars: true,
  locale: null,
  prechat: { enabled: false, fields: [] },
  attachments: { enabled: true, maxBytes: 10 * 1024 * 1024, types: ["image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"] },
  ratingEnabled: true,
  transcriptEnabled: true,
  emailAvailable: true,
};

type Raw = Record<string, unknown>;

export function parseLook(raw: Raw, base: Look = DEFAULT_LOOK): Look {
  const d = base;
  const prechat = obj(raw["prechat"]);
  const files = obj(raw["attachments"]);
  return {
    title: text(raw["title"], d.title),
    awayTitle: d.awayTitle,
    greeting: text(raw["greeting"], d.greeting),
    away: text(raw["away_message"], d.away),
    color: typeof raw["primary_color"] === "string" && /^#[0-9a-f]{6}$/i.test(raw["primary_color"]) ? raw["primary_color"] : d.color,
    position: raw["position"] === "left" ? "left" : raw["position"] === "right" ? "right" : d.position,
    offsetX: px(raw["offset_x"], d.offsetX),
    offsetY: px(raw["offset_y"], d.offsetY),
    theme: raw["theme"] === "dark" || raw["theme"] === "auto" || raw["theme"] === "light" ? raw["theme"] : d.theme,
    logoUrl: "logo_url" in raw ? safeUrl(raw["logo_url"]) : d.logoUrl,
    showAgentNames: bool(raw["show_agent_names"], d.showAgentNames),
    showAgentAvatars: bool(raw["show_agent_avatars"], d.showAgentAvatars),
    locale: "locale" in raw ? (typeof raw["locale"] === "string" ? raw["locale"] : null) : d.locale,
    prechat: prechat
      ? { enabled: bool(prechat["enabled"], false), fields: fields(prechat["fields"]) }
      : d.prechat,
    attachments: files
      ? {
          enabled: bool(files["enabled"], true),
          maxBytes: typeof files["max_bytes"] === "number" ? files["max_bytes"] : d.attachments.maxBytes,
          types: Array.isArray(files["types"]) ? files["types"].filter((t): t is string => typeof t === "string") : d.attachments.types,
        }
      : d.attachments,
    ratingEnabled: bool(raw["rating_enabled"], d.ratingEnabled),
    transcriptEnabled: bool(raw["transcript_enabled"], d.transcriptEnabled),
    emailAvailable: bool(raw["email_available"], d.emailAvailable),
  };
}

function obj(value: unknown): Raw | null {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Raw) : null;
}

function text(value: unknown, fallback: string | null): string | null {
  if (typeof value !== "string" || value.trim() === "") return fallback;
  return SERVER_DEFAULTS.has(value) ? null : value; // null: the UI language's own text
}

function bool(value: unknown, fallback: boolean): boolean {
  return typeof value === "boolean" ? value : fallback;
}

function px(value: unknown, fallback: number): number {
  return typeof value === "number" && value >= 0 && value <= 400 ? Math.round(value) : fallback;
}

function fields(value: unknown): PrechatField[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((f) => {
    const o = obj(f);
    if (!o || typeof o["name"] !== "string" || typeof o["label"] !== "string") return [];
    const type = o["type"] === "email" || o["type"] === "tel" ? o["type"] : "text";
    return [{ name: o["name"], label: o["label"], type, required: o["required"] === true }];
  });
}

/** Only http(s) and server-relative URLs; anything else (javascript:, data:) is dropped. */
export function safeUrl(value: unknown, base?: string): string | null {
  if (typeof value !== "string" || value === "") return null;
  try {
    const url = new URL(value, base ?? location.href);
    return url.protocol === "https:" || url.protocol === "http:" ? url.toString() : null;
  } catch {
    return null;
  }
}
