import { useState } from "preact/hooks";
import { messageOf } from "../../contextActions";
import { t } from "../../strings";
import { webhooks, type WebhookEndpoint, type WebhookEvent } from "../../webhooks";
import { CopyButton } from "../CopyButton";
import { DeliveryLog } from "./DeliveryLog";
import { WebhookForm } from "./WebhookForm";

interface Props {
  endpoint: WebhookEndpoint;
  events: WebhookEvent[];
  /** Shown once, right after the endpoint was made. */
  newSecret?: string;
  onChanged: (endpoint: WebhookEndpoint | null) => void;
}

/** One endpoint: its state, its actions, and its delivery log. */
export function WebhookCard({ endpoint, events, newSecret, onChanged }: Props) {
  const [editing, setEditing] = useState(false);
  const [secret, setSecret] = useState<string | null>(newSecret ?? null);
  const [showLog, setShowLog] = useState(false);
  const [logVersion, setLogVersion] = useState(0);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function act(work: () => Promise<void>) {
    setError(null);
    setStatus(null);
    try {
      await work();
    } catch (err) {
      setError(messageOf(err, t.common.failed));
    }
  }

  const toggle = () => act(async () => onChanged(await webhooks.update(endpoint.id, { enabled: !endpoint.enabled })));
  const reveal = () => act(async () => setSecret((await webhooks.secret(endpoint.id)).secret));
  const rotate = () => act(async () => {
    if (!window.confirm(t.webhooks.rotateConfirm)) return;
    setSecret((await webhooks.rotate(endpoint.id)).secret);
  });
  const remove = () => act(async () => {
    if (!window.confirm(t.webhooks.removeConfirm(endpoint.url))) return;
    await webhooks.remove(endpoint.id);
    onChanged(null);
  });
  const test = () => act(async () => {
    await webhooks.test(endpoint.id);
    setStatus(t.webhooks.testSent);
    setShowLog(true);
    setLogVersion((v) => v + 1);
  });

  const state = endpoint.enabled
    ? t.webhooks.on
    : endpoint.disabled_reason === "failing" && endpoint.failing_since !== null
      ? t.webhooks.offFailing(new Date(endpoint.failing_since).toLocaleString())
      : t.webhooks.off;
  return (
    <li class="webhook-card" aria-label={endpoint.url}>
      <div class="webhook-head">
        <span>
          <strong class="mono">{endpoint.url}</strong> <span class="webhook-state" data-enabled={endpoint.enabled}>{state}</span>
          {endpoint.description && <span class="muted"> — {endpoint.description}</span>}
          <br />
          <span class="muted mono">{endpoint.events.join(", ")}</span>
        </span>
      </div>
      {editing ? (
        <WebhookForm
          events={events}
          initial={endpoint}
          submitLabel={t.webhooks.save}
          onCancel={() => setEditing(false)}
          onSubmit={async (input) => {
            onChanged(await webhooks.update(endpoint.id, input));
            setEditing(false);
          }}
        />
      ) : (
        <div class="form-row">
          <button type="button" class="ghost small" onClick={() => setEditing(true)}>{t.webhooks.edit}</button>
          <button type="button" class="ghost small" onClick={() => void toggle()}>{endpoint.enabled ? t.webhooks.disable : t.webhooks.enable}</button>
          <button type="button" class="ghost small" disabled={!endpoint.enabled} onClick={() => void test()}>{t.webhooks.test}</button>
          <button type="button" class="ghost small" onClick={() => void reveal()}>{t.webhooks.reveal}</button>
          <button type="button" class="ghost small" onClick={() => void rotate()}>{t.webhooks.rotate}</button>
          <button type="button" class="ghost small" aria-expanded={showLog} onClick={() => setShowLog(!showLog)}>{showLog ? t.webhooks.hideLog : t.webhooks.log}</button>
          <button type="button" class="ghost small danger-text" onClick={() => void remove()}>{t.webhooks.remove}</button>
        </div>
      )}
      {status !== null && <p role="status" class="muted">{status}</p>}
      {error !== null && <p class="field-error" role="alert">{error}</p>}
      {secret !== null && (
        <div class="secret-box" role="status">
          <p>{t.webhooks.secret}</p>
          <input class="mono" readOnly value={secret} aria-label={t.webhooks.secret} onFocus={(e) => e.currentTarget.select()} />
          <CopyButton text={secret} label={t.common.copy} class="ghost small" />
        </div>
      )}
      {showLog && <DeliveryLog endpointId={endpoint.id} version={logVersion} />}
    </li>
  );
}
