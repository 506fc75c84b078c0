import type { DraftChange, WidgetDraft } from "../../settingsDraft";
import { Field } from "./Field";

interface Props {
  draft: WidgetDraft;
  change: DraftChange;
}

/** The website's name and what the widget says. */
export function TextsSection({ draft, change }: Props) {
  return (
    <fieldset class="card settings-section">
      <legend>Texts</legend>
      <Field field="name" label="Website name" hint="Agents see it in the console; visitors do not.">
        {(props) => <input {...props} value={draft.name} onInput={(e) => change("name", e.currentTarget.value)} />}
      </Field>
      <Field field="settings.title" label="Title" hint="At the top of the chat window.">
        {(props) => <input {...props} maxLength={80} value={draft.title} onInput={(e) => change("title", e.currentTarget.value)} />}
      </Field>
      <Field field="settings.greeting" label="Greeting" hint="The first message a visitor sees.">
        {(props) => (
          <textarea {...props} rows={2} value={draft.greeting} onInput={(e) => change("greeting", e.currentTarget.value)} />
        )}
      </Field>
      <Field field="settings.away_message" label="Away message" hint="Shown above the message form while nobody is online.">
        {(props) => (
          <textarea
            {...props}
            rows={2}
            value={draft.away_message}
            onInput={(e) => change("away_message", e.currentTarget.value)}
          />
        )}
      </Field>
    </fieldset>
  );
}
