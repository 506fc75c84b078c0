import type { DraftChange, WidgetDraft } from "../../settingsDraft";
import { Field, Toggle } from "./Field";

interface Props {
  draft: WidgetDraft;
  change: DraftChange;
}

/** What visitors may upload. Agents have their own, wider limits. */
export function FilesSection({ draft, change }: Props) {
  return (
    <fieldset class="card settings-section">
      <legend>Files from visitors</legend>
      <Toggle
        field="settings.attachments.enabled"
        label="Visitors can attach files"
        checked={draft.attachments_enabled}
        onChange={(v) => change("attachments_enabled", v)}
      />
      {draft.attachments_enabled && (
        <>
          <Field field="settings.attachments.max_bytes" label="Largest file (MB)" hint="Up to 50 MB.">
            {(props) => (
              <input
                {...props}
                type="number"
                min={0.01}
                max={50}
                step="any"
                value={draft.attachments_max_mb}
                onInput={(e) => change("attachments_max_mb", e.currentTarget.value)}
              />
            )}
          </Field>
          <Field
            field="settings.attachments.types"
            label="Allowed types"
            hint="One MIME type a line, e.g. image/png or application/pdf."
          >
            {(props) => (
              <textarea
                {...props}
                rows={4}
                spellcheck={false}
                class="mono"
                value={draft.attachments_types}
                onInput={(e) => change("attachments_types", e.currentTarget.value)}
              />
            )}
          </Field>
        </>
      )}
    </fieldset>
  );
}
