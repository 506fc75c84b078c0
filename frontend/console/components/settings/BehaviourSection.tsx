import { LANGUAGES, type DraftChange, type WidgetDraft } from "../../settingsDraft";
import { Field, Toggle } from "./Field";

interface Props {
  draft: WidgetDraft;
  change: DraftChange;
}

/** Language, what visitors learn about agents, and what follows a chat. */
export function BehaviourSection({ draft, change }: Props) {
  return (
    <fieldset class="card settings-section">
      <legend>Language and agents</legend>
      <Field
        field="settings.locale"
        label="Language"
        hint="Automatic uses the page's language, then the visitor's browser. Your own texts above are never translated."
      >
        {(props) => (
          <select {...props} value={draft.locale} onChange={(e) => change("locale", e.currentTarget.value)}>
            <option value="">Automatic</option>
            {LANGUAGES.map(([code, name]) => (
              <option key={code} value={code}>
                {name} ({code})
              </option>
            ))}
          </select>
        )}
      </Field>
      <Toggle
        field="settings.show_agent_names"
        label="Show agent names"
        hint="Otherwise replies come from the website's name."
        checked={draft.show_agent_names}
        onChange={(v) => change("show_agent_names", v)}
      />
      <Toggle
        field="settings.show_agent_avatars"
        label="Show agent avatars"
        checked={draft.show_agent_avatars}
        onChange={(v) => change("show_agent_avatars", v)}
      />
      <Toggle
        field="settings.rating_enabled"
        label="Ask for a rating"
        hint="Visitors rate the chat (1–5) when it is resolved."
        checked={draft.rating_enabled}
        onChange={(v) => change("rating_enabled", v)}
      />
      <Toggle
        field="settings.transcript_enabled"
        label="Offer a transcript by email"
        hint="Needs SMTP configured on the server."
        checked={draft.transcript_enabled}
        onChange={(v) => change("transcript_enabled", v)}
      />
      <Toggle
        field="settings.site_notes_enabled"
        label="Take notes from the site's pages"
        hint="Olark's sendNotificationToOperator: your page's script tells agents something. Any visitor's browser can send these, so they are marked as from the visitor's browser."
        checked={draft.site_notes_enabled}
        onChange={(v) => change("site_notes_enabled", v)}
      />
      <Toggle
        field="settings.site_messages_enabled"
        label="Take messages from the site's pages"
        hint="Olark's sendMessageToVisitor: your page's script writes to the visitor under the website's name. Agents see them marked as from the visitor's browser."
        checked={draft.site_messages_enabled}
        onChange={(v) => change("site_messages_enabled", v)}
      />
    </fieldset>
  );
}
