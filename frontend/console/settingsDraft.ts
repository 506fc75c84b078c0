/**
 * The widget settings form as the admin edits it, and the PATCH it becomes
 * (docs/api.md, "Website settings the widget reads").
 *
 * Numbers are kept as the text typed, so "12" on its way to "120" is not rewritten under
 * the cursor; the server is the one validator, and its 422 names the field
 * (`settings.offset_x`) that the form marks.
 */
import type { Website, WebsitePatch } from "./api";

export type Theme = "light" | "dark" | "auto";
export type FieldType = "text" | "email" | "tel";

export interface PrechatFieldDraft {
  name: string;
  label: string;
  type: FieldType;
  required: boolean;
}

export interface WidgetDraft {
  name: string;
  title: string;
  greeting: string;
  away_message: string;
  primary_color: string;
  position: "left" | "right";
  offset_x: string;
  offset_y: string;
  theme: Theme;
  logo_url: string;
  show_agent_names: boolean;
  show_agent_avatars: boolean;
  /** "" = automatic (the page's lang, then the browser's). */
  locale: string;
  prechat_enabled: boolean;
  prechat_fields: PrechatFieldDraft[];
  attachments_enabled: boolean;
  attachments_max_mb: string;
  /** One MIME type a line (or comma-separated). */
  attachments_types: string;
  rating_enabled: boolean;
  transcript_enabled: boolean;
  site_notes_enabled: boolean;
  site_messages_enabled: boolean;
}

/** The languages the widget is translated into. */
export const LANGUAGES: readonly [code: string, name: string][] = [
  ["en", "English"],
  ["de", "Deutsch"],
  ["fr", "Français"],
  ["es", "Español"],
  ["pt", "Português"],
  ["it", "Italiano"],
  ["nl", "Nederlands"],
  ["pl", "Polski"],
  ["tr", "Türkçe"],
  ["ja", "日本語"],
  ["zh", "中文"],
  ["ar", "العربية"],
];

/** The server's limit on pre-chat fields (settings.prechat.fields, max_length 10). */
export const MAX_PRECHAT_FIELDS = 10;
const MB = 1024 * 1024;

export function draftOf(website: Website): WidgetDraft {
  const s = website.settings;
  const prechat = record(s["prechat"]);
  const files = record(s["attachments"]);
  return {
    name: website.name,
    title: str(s["title"]),
    greeting: str(s["greeting"]),
    away_message: str(s["away_message"]),
    primary_color: str(s["primary_color"]) || "#2563eb",
    position: s["position"] === "left" ? "left" : "right",
    offset_x: String(num(s["offset_x"], 20)),
    offset_y: String(num(s["offset_y"], 20)),
    theme: s["theme"] === "dark" || s["theme"] === "auto" ? s["theme"] : "light",
    logo_url: str(s["logo_url"]),
    show_agent_names: s["show_agent_names"] !== false,
    show_agent_avatars: s["show_agent_avatars"] !== false,
    locale: str(s["locale"]),
    prechat_enabled: prechat["enabled"] === true,
    prechat_fields: Array.isArray(prechat["fields"]) ? prechat["fields"].map(fieldOf) : [],
    attachments_enabled: files["enabled"] !== false,
    attachments_max_mb: String(Math.round((num(files["max_bytes"], 10 * MB) / MB) * 100) / 100),
    attachments_types: Array.isArray(files["types"]) ? files["types"].map(String).join("\n") : "",
    rating_enabled: s["rating_enabled"] !== false,
    transcript_enabled: s["transcript_enabled"] !== false,
    site_notes_enabled: s["site_notes_enabled"] !== false,
    site_messages_enabled: s["site_messages_enabled"] !== false,
  };
}

/** The whole form as one PATCH: the server merges and validates it. */
export function patchOf(d: WidgetDraft): WebsitePatch {
  return {
    name: d.name,
    settings: {
      title: d.title,
      greeting: d.greeting,
      away_message: d.away_message,
      primary_color: d.primary_color,
      position: d.position,
      offset_x: integer(d.offset_x),
      offset_y: integer(d.offset_y),
      theme: d.theme,
      logo_url: d.logo_url.trim() === "" ? null : d.logo_url.trim(),
      show_agent_names: d.show_agent_names,
      show_agent_avatars: d.show_agent_avatars,
      locale: d.locale === "" ? null : d.locale,
      prechat: { enabled: d.prechat_enabled, fields: d.prechat_fields },
      attachments: {
        enabled: d.attachments_enabled,
        max_bytes: bytesOf(d.attachments_max_mb),
        types: typesOf(d.attachments_types),
      },
      rating_enabled: d.rating_enabled,
      transcript_enabled: d.transcript_enabled,
      site_notes_enabled: d.site_notes_enabled,
      site_messages_enabled: d.site_messages_enabled,
    },
  };
}

export function sameDraft(a: WidgetDraft, b: WidgetDraft): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A new pre-chat field with a name the others do not have yet. */
export function newPrechatField(fields: readonly PrechatFieldDraft[]): PrechatFieldDraft {
  const taken = new Set(fields.map((f) => f.name));
  let n = fields.length + 1;
  while (taken.has(`field_${n}`)) n += 1;
  return { name: `field_${n}`, label: "", type: "text", required: false };
}

/** The id of the input that shows the server's error for `field` ("settings.offset_x"). */
export function inputId(field: string): string {
  return "setting-" + field.replace(/[^a-zA-Z0-9]+/g, "-");
}

/**
 * The form control an error belongs to: the exact field, else its closest parent the form
 * has ("settings.prechat.fields.0.label" -> itself; "settings.attachments.types.3" ->
 * "settings.attachments.types").
 */
export function errorTarget(field: string, known: ReadonlySet<string>): string | null {
  for (let parts = field.split("."); parts.length > 0; parts = parts.slice(0, -1)) {
    const candidate = parts.join(".");
    if (known.has(candidate)) return candidate;
  }
  return null;
}

function integer(text: string): number | string {
  const trimmed = text.trim();
  return /^-?\d+$/.test(trimmed) ? Number(trimmed) : trimmed; // the server explains a bad one
}

function bytesOf(mb: string): number | string {
  const value = Number(mb.trim().replace(",", "."));
  return mb.trim() !== "" && Number.isFinite(value) ? Math.round(value * MB) : mb;
}

function typesOf(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((t) => t.trim())
    .filter((t) => t !== "");
}

function fieldOf(raw: unknown): PrechatFieldDraft {
  const f = record(raw);
  const type = f["type"] === "email" || f["type"] === "tel" ? f["type"] : "text";
  return { name: str(f["name"]), label: str(f["label"]), type, required: f["required"] === true };
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function str(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function num(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}

/** How a form section changes one key of the draft. */
export type DraftChange = <K extends keyof WidgetDraft>(key: K, value: WidgetDraft[K]) => void;
