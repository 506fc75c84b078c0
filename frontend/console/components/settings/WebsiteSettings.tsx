import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { ApiError } from "../../../shared/http";
import type { Website } from "../../api";
import { useSession } from "../../hooks";
import {
  draftOf,
  errorTarget,
  inputId,
  patchOf,
  sameDraft,
  type DraftChange,
  type WidgetDraft,
} from "../../settingsDraft";
import { BehaviourSection } from "./BehaviourSection";
import { FieldErrorContext, type FieldError } from "./Field";
import { FilesSection } from "./FilesSection";
import { IdentityVerification } from "./IdentityVerification";
import { LookSection } from "./LookSection";
import { PrechatSection } from "./PrechatSection";
import { SnippetBox } from "./SnippetBox";
import { TextsSection } from "./TextsSection";
import { WidgetPreview } from "./WidgetPreview";

/** "Saved" stays in the save bar this long. */
const SAVED_SHOWN_MS = 3000;

/** The fields the form shows, to place the server's error ("settings.offset_x") next to one. */
const FIELDS = [
  "name",
  ...["title", "greeting", "away_message", "primary_color", "theme", "logo_url", "position", "offset_x", "offset_y"],
  ...["locale", "show_agent_names", "show_agent_avatars", "rating_enabled", "transcript_enabled"],
  ...["site_notes_enabled", "site_messages_enabled"],
  ...["prechat.enabled", "prechat.fields", "attachments.enabled", "attachments.max_bytes", "attachments.types"],
].map((f) => (f === "name" ? f : `settings.${f}`));

function knownFields(draft: WidgetDraft): Set<string> {
  const rows = draft.prechat_fields.flatMap((_, i) =>
    ["", ".name", ".label", ".type"].map((part) => `settings.prechat.fields.${i}${part}`),
  );
  return new Set([...FIELDS, ...rows]);
}

/** One website's widget: the form, its live preview, the snippet and identity verification. */
export function WebsiteSettings({ website }: { website: Website }) {
  const session = useSession();
  const saved = useMemo(() => draftOf(website), [website]);
  const [draft, setDraft] = useState<WidgetDraft>(saved);
  const [error, setError] = useState<FieldError | null>(null);
  const [status, setStatus] = useState<"idle" | "saving" | "saved">("idle");
  const dirty = !sameDraft(draft, saved);
  const base = useRef(saved);

  // Someone else saved (website.updated): take their values unless this form has edits.
  // Judged inside the state update, against the values the form last took: an edit typed
  // just before this effect ran is already in `d` there, not yet in a rendered `dirty`.
  useEffect(() => {
    const previous = base.current;
    base.current = saved;
    setDraft((d) => (sameDraft(d, previous) ? saved : d));
  }, [saved]);

  useEffect(() => {
    if (status !== "saved") return;
    const timer = setTimeout(() => setStatus("idle"), SAVED_SHOWN_MS);
    return () => clearTimeout(timer);
  }, [status]);

  const change: DraftChange = (key, value) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setStatus((s) => (s === "saved" ? "idle" : s));
  };

  async function save(event: Event) {
    event.preventDefault();
    setStatus("saving");
    setError(null);
    try {
      const updated = await session.saveWebsite(website.id, patchOf(draft));
      setDraft(draftOf(updated));
      setStatus("saved");
    } catch (err) {
      setStatus("idle");
      const refused = refusal(err, knownFields(draft));
      setError(refused);
      if (refused.target !== null) requestAnimationFrame(() => reveal(inputId(refused.target!)));
    }
  }

  return (
    <FieldErrorContext.Provider value={error}>
      <div class="settings-columns">
        <form class="settings-form" noValidate onSubmit={save} aria-label={`Widget settings for ${website.name}`}>
          <SnippetBox snippet={website.snippet} />
          <TextsSection draft={draft} change={change} />
          <LookSection draft={draft} change={change} />
          <BehaviourSection draft={draft} change={change} />
          <PrechatSection draft={draft} change={change} />
          <FilesSection draft={draft} change={change} />
          <IdentityVerification website={website} />
          <div class="save-bar" data-dirty={dirty ? "true" : undefined}>
            <span class="save-status" role="status">
              {status === "saved" ? "✓ Saved. Open widgets show the changes now." : dirty ? "Unsaved changes" : ""}
            </span>
            {error !== null && error.target === null && (
              <span class="field-error" role="alert">
                {error.message}
              </span>
            )}
            <button
              type="button"
              class="ghost"
              disabled={!dirty || status === "saving"}
              onClick={() => {
                setDraft(saved);
                setError(null);
              }}
            >
              Discard
            </button>
            <button type="submit" class="primary" disabled={!dirty || status === "saving"}>
              {status === "saving" ? "Saving…" : "Save changes"}
            </button>
          </div>
        </form>
        <aside class="settings-aside">
          <WidgetPreview draft={draft} />
        </aside>
      </div>
    </FieldErrorContext.Provider>
  );
}

function refusal(err: unknown, known: ReadonlySet<string>): FieldError {
  if (!(err instanceof ApiError)) return { target: null, message: "Could not save. Please try again." };
  const target = err.field === undefined ? null : errorTarget(err.field, known);
  // Next to its field, '"settings.offset_x": Input should be…' needs no field name.
  const prefix = `"${err.field ?? ""}": `;
  const message = target !== null && err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
  return { target, message };
}

/** Brings a refused control into view (clear of the sticky save bar) and focuses it. */
function reveal(id: string): void {
  const control = document.getElementById(id);
  control?.scrollIntoView({ block: "center", behavior: "smooth" });
  control?.focus({ preventScroll: true });
}
