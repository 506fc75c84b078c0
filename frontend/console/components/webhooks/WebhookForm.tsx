import { useState } from "preact/hooks";
import { messageOf } from "../../contextActions";
import { t } from "../../strings";
import type { WebhookEvent, WebhookInput } from "../../webhooks";

interface Props {
  events: WebhookEvent[];
  initial?: WebhookInput;
  submitLabel: string;
  onSubmit: (input: WebhookInput) => Promise<void>;
  onCancel?: () => void;
}

/** URL, description and the events to send; the server checks the URL (public addresses only). */
export function WebhookForm({ events, initial = {}, submitLabel, onSubmit, onCancel }: Props) {
  const [url, setUrl] = useState(initial.url ?? "");
  const [description, setDescription] = useState(initial.description ?? "");
  const [chosen, setChosen] = useState<string[]>(initial.events ?? ["conversation.created", "message.created"]);
  const [error, setError] = useState<string | null>(null);

  function toggle(name: string, on: boolean) {
    setChosen((all) => (on ? [...all, name] : all.filter((n) => n !== name)));
  }

  async function submit(event: Event) {
    event.preventDefault();
    setError(null);
    try {
      await onSubmit({ url, description, events: events.map((e) => e.name).filter((n) => chosen.includes(n)) });
    } catch (err) {
      setError(messageOf(err, t.common.failed));
    }
  }

  return (
    <form class="webhook-form" onSubmit={submit} aria-label={submitLabel}>
      <label>
        {t.webhooks.url}
        <input type="url" required maxLength={2000} placeholder="https://" value={url} onInput={(e) => setUrl(e.currentTarget.value)} />
      </label>
      <label>
        {t.webhooks.description}
        <input maxLength={500} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
      </label>
      <fieldset>
        <legend>{t.webhooks.events}</legend>
        <div class="member-grid">
          {events.map((e) => (
            <label key={e.name} class="check-label" title={e.description}>
              <input type="checkbox" checked={chosen.includes(e.name)} onChange={(ev) => toggle(e.name, ev.currentTarget.checked)} />
              <span class="mono">{e.name}</span>
            </label>
          ))}
        </div>
      </fieldset>
      {error !== null && <p class="field-error" role="alert">{error}</p>}
      <div class="form-row">
        <button type="submit" class="primary small">
          {submitLabel}
        </button>
        {onCancel && (
          <button type="button" class="ghost small" onClick={onCancel}>
            {t.webhooks.cancel}
          </button>
        )}
      </div>
    </form>
  );
}
