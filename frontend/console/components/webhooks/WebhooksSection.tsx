import { useEffect, useState } from "preact/hooks";
import { messageOf } from "../../contextActions";
import { t } from "../../strings";
import { webhooks, type NewWebhookEndpoint, type WebhookEndpoint, type WebhookEvent } from "../../webhooks";
import { WebhookCard } from "./WebhookCard";
import { WebhookForm } from "./WebhookForm";

/** Settings › Webhooks (owners and admins): endpoints, their secrets and their delivery logs. */
export function WebhooksSection() {
  const [endpoints, setEndpoints] = useState<WebhookEndpoint[]>([]);
  const [events, setEvents] = useState<WebhookEvent[]>([]);
  const [created, setCreated] = useState<NewWebhookEndpoint | null>(null);
  const [adding, setAdding] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    Promise.all([webhooks.list(), webhooks.events()]).then(
      ([found, names]) => {
        setEndpoints(found);
        setEvents(names);
      },
      (err: unknown) => setError(messageOf(err, t.common.failed)),
    );
  }, []);

  function changed(id: string, endpoint: WebhookEndpoint | null) {
    setEndpoints((all) => (endpoint === null ? all.filter((e) => e.id !== id) : all.map((e) => (e.id === id ? endpoint : e))));
  }

  return (
    <section class="card admin-section" aria-labelledby="webhooks-title">
      <h3 id="webhooks-title">{t.webhooks.title}</h3>
      <p class="muted">{t.webhooks.subtitle}</p>
      {error !== null && <p class="field-error" role="alert">{error}</p>}
      {endpoints.length === 0 ? (
        <p class="muted">{t.webhooks.empty}</p>
      ) : (
        <ul class="webhook-list">
          {endpoints.map((endpoint) => (
            <WebhookCard
              key={endpoint.id}
              endpoint={endpoint}
              events={events}
              newSecret={created?.id === endpoint.id ? created.secret : undefined}
              onChanged={(e) => changed(endpoint.id, e)}
            />
          ))}
        </ul>
      )}
      {adding ? (
        <WebhookForm
          events={events}
          submitLabel={t.webhooks.add}
          onCancel={() => setAdding(false)}
          onSubmit={async (input) => {
            const endpoint = await webhooks.create(input);
            setCreated(endpoint);
            setEndpoints((all) => [...all, endpoint]);
            setAdding(false);
          }}
        />
      ) : (
        <button type="button" class="primary small add-webhook" onClick={() => setAdding(true)}>
          {t.webhooks.add}
        </button>
      )}
    </section>
  );
}
