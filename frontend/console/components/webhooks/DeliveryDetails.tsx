import { formatTime } from "../../format";
import { t } from "../../strings";
import { outcomeOf, type DeliveryDetail } from "../../webhooks";

/** One delivery: the body as sent, and each attempt's headers, answer and duration. */
export function DeliveryDetails({ delivery }: { delivery: DeliveryDetail }) {
  return (
    <div class="delivery-details">
      <h5>{t.webhooks.request}</h5>
      <pre class="mono">{delivery.body}</pre>
      {delivery.attempt_log.map((attempt) => (
        <section key={attempt.number} class="attempt" aria-label={t.webhooks.attempt(attempt.number, formatTime(attempt.started_at))}>
          <h5>
            {t.webhooks.attempt(attempt.number, new Date(attempt.started_at).toLocaleString())} · <strong>{outcomeOf(attempt)}</strong> ·{" "}
            {t.webhooks.took(attempt.duration_ms)}
          </h5>
          <details>
            <summary>{t.webhooks.headers}</summary>
            <pre class="mono">{Object.entries(attempt.request_headers).map(([k, v]) => `${k}: ${v}`).join("\n")}</pre>
          </details>
          <p class="muted">{t.webhooks.response}</p>
          <pre class="mono">{attempt.response_body || (attempt.error ?? t.webhooks.noResponse)}</pre>
        </section>
      ))}
    </div>
  );
}
