/**
 * The widget's languages. Adding one is adding a file beside this one (the same keys as
 * en.ts) and one line below. They are bundled (about 1 KB gzipped each, inside the
 * budget) so a language switch is instant and needs no extra request.
 */
import ar from "./ar";
import de from "./de";
import en, { type Strings } from "./en";
import es from "./es";
import fr from "./fr";
import it from "./it";
import ja from "./ja";
import nl from "./nl";
import pl from "./pl";
import pt from "./pt";
import tr from "./tr";
import zh from "./zh";

export type { Strings };

const LANGUAGES: Record<string, Strings> = { en, de, fr, es, pt, it, nl, pl, tr, ja, zh, ar };
/** Written right to left: the widget lays itself out mirrored. */
const RTL = new Set(["ar", "he", "fa", "ur"]);

/** The first of `candidates` we speak ("fr-CA" → "fr"), else English. */
export function pickLocale(candidates: (string | null | undefined)[]): string {
  for (const candidate of candidates) {
    const code = candidate?.trim().toLowerCase().split(/[-_]/)[0];
    if (code && code in LANGUAGES) return code;
  }
  return "en";
}

export function stringsFor(code: string): Strings {
  return LANGUAGES[code] ?? en;
}

export function directionOf(code: string): "rtl" | "ltr" {
  return RTL.has(code) ? "rtl" : "ltr";
}

/** "{name} is typing…" with {name} filled in (as text: the view never parses HTML). */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}
