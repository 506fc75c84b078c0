import { Fragment } from "preact";
import { useEffect, useState } from "preact/hooks";
import { messageOf } from "../../contextActions";
import { formatTime } from "../../format";
import { t } from "../../strings";
import { replaceDelivery, webhooks, type Delivery, type DeliveryDetail } from "../../webhooks";
import { DeliveryDetails } from "./DeliveryDetails";

/** An endpoint's deliveries, newest first; a row opens its attempts; "Send again" retries it now. */
export function DeliveryLog({ endpointId, version }: { endpointId: string; version: number }) {
  const [deliveries, setDeliveries] = useState<Delivery[] | null>(null);
  const [open, setOpen] = useState<DeliveryDetail | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function load() {
    try {
      setDeliveries(await webhooks.deliveries(endpointId));
      if (open !== null) setOpen(await webhooks.delivery(endpointId, open.id));
    } catch (err) {
      setError(messageOf(err, t.common.failed));
    }
  }

  useEffect(() => void load(), [endpointId, version]);

  async function details(delivery: Delivery) {
    if (open?.id === delivery.id) return setOpen(null);
    try {
      setOpen(await webhooks.delivery(endpointId, delivery.id));
    } catch (err) {
      setError(messageOf(err, t.common.failed));
    }
  }

  async function sendAgain(delivery: Delivery) {
    setError(null);
    try {
      const again = await webhooks.resend(endpointId, delivery.id);
      setDeliveries((all) => replaceDelivery(all ?? [], again));
      setStatus(t.webhooks.sentAgain);
    } catch (err) {
      setError(messageOf(err, t.common.failed));
    }
  }

  if (deliveries === null) return error === null ? null : <p class="field-error" role="alert">{error}</p>;
  return (
    <div class="delivery-log">
      <div class="form-row">
        <h4>{t.webhooks.log}</h4>
        <button type="button" class="ghost small" onClick={() => void load()}>
          {t.webhooks.refresh}
        </button>
        {status !== null && <span role="status" class="muted">{status}</span>}
      </div>
      {error !== null && <p class="field-error" role="alert">{error}</p>}
      {deliveries.length === 0 ? (
        <p class="muted">{t.webhooks.noDeliveries}</p>
      ) : (
        <table class="admin-table" aria-label={t.webhooks.log}>
          <thead>
            <tr>
              {Object.values(t.webhooks.columns).map((c) => (
                <th key={c}>{c}</th>
              ))}
              <th />
            </tr>
          </thead>
          <tbody>
            {deliveries.map((d) => (
              <Fragment key={d.id}>
                <tr data-status={d.status}>
                  <td title={d.id}>{formatTime(d.created_at)}</td>
                  <td class="mono">{d.event_type}</td>
                  <td>{t.webhooks.statuses[d.status]}</td>
                  <td>{d.attempts}</td>
                  <td>{d.last_status_code ?? d.last_error ?? ""}</td>
                  <td>{d.next_attempt_at === null ? "" : new Date(d.next_attempt_at).toLocaleTimeString()}</td>
                  <td class="row-actions">
                    <button type="button" class="ghost small" aria-expanded={open?.id === d.id} onClick={() => void details(d)}>
                      {t.webhooks.details}
                    </button>
                    <button type="button" class="ghost small" onClick={() => void sendAgain(d)}>
                      {t.webhooks.sendAgain}
                    </button>
                  </td>
                </tr>
                {open?.id === d.id && (
                  <tr>
                    <td colSpan={7}>
                      <DeliveryDetails delivery={open} />
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
