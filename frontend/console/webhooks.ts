/** Webhook endpoints and their delivery log (docs/webhooks.md): the REST calls and what the log shows. */
import { call } from "./api";

export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string;
  events: string[];
  enabled: boolean;
  /** "failing": the server turned it off after every attempt failed for days. */
  disabled_reason: "manual" | "failing" | null;
  disabled_at: string | null;
  failing_since: string | null;
  previous_secret_expires_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface NewWebhookEndpoint extends WebhookEndpoint {
  secret: string;
}

export interface WebhookInput {
  url?: string;
  events?: string[];
  description?: string;
  enabled?: boolean;
}

export interface WebhookEvent {
  name: string;
  description: string;
}

export type DeliveryStatus = "pending" | "delivered" | "failed";

export interface Delivery {
  /** The webhook-id header: the same on every attempt. */
  id: string;
  event_type: string;
  conversation_id: string | null;
  status: DeliveryStatus;
  attempts: number;
  created_at: string;
  next_attempt_at: string | null;
  last_attempt_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: string | null;
}

export interface Attempt {
  number: number;
  started_at: string;
  duration_ms: number;
  request_headers: Record<string, string>;
  status_code: number | null;
  response_body: string;
  error: string | null;
}

export interface DeliveryDetail extends Delivery {
  body: string;
  attempt_log: Attempt[];
}

const id = encodeURIComponent;
const json = (method: string, body: unknown): RequestInit => ({ method, body: JSON.stringify(body) });
const hook = (endpointId: string) => `/webhooks/${id(endpointId)}`;

export const webhooks = {
  events: () => call<{ items: WebhookEvent[] }>("/webhook-events").then((r) => r.items),
  list: () => call<{ items: WebhookEndpoint[] }>("/webhooks").then((r) => r.items),
  create: (input: WebhookInput) => call<NewWebhookEndpoint>("/webhooks", json("POST", input)),
  update: (endpointId: string, input: WebhookInput) => call<WebhookEndpoint>(hook(endpointId), json("PATCH", input)),
  remove: (endpointId: string) => call<undefined>(hook(endpointId), { method: "DELETE" }),
  secret: (endpointId: string) => call<{ secret: string }>(`${hook(endpointId)}/secret`),
  rotate: (endpointId: string) => call<{ secret: string }>(`${hook(endpointId)}/rotate-secret`, { method: "POST" }),
  test: (endpointId: string) => call<Delivery>(`${hook(endpointId)}/test`, { method: "POST" }),
  deliveries: (endpointId: string) =>
    call<{ items: Delivery[]; next_cursor: string | null }>(`${hook(endpointId)}/deliveries?limit=50`).then((r) => r.items),
  delivery: (endpointId: string, deliveryId: string) =>
    call<DeliveryDetail>(`${hook(endpointId)}/deliveries/${id(deliveryId)}`),
  resend: (endpointId: string, deliveryId: string) =>
    call<Delivery>(`${hook(endpointId)}/deliveries/${id(deliveryId)}/resend`, { method: "POST" }),
};

/** What the log says of an attempt's outcome: the status code, else the error. */
export function outcomeOf(attempt: Pick<Attempt, "status_code" | "error">): string {
  if (attempt.status_code !== null) return String(attempt.status_code);
  return attempt.error ?? "";
}

/** The endpoints the server turned off for failing: the console's banner names them. */
export function failingEndpoints(endpoints: WebhookEndpoint[]): WebhookEndpoint[] {
  return endpoints.filter((e) => !e.enabled && e.disabled_reason === "failing");
}

/** A delivery replaced by a newer copy of itself (after "send again" or a refresh). */
export function replaceDelivery(list: Delivery[], changed: Delivery): Delivery[] {
  return list.map((d) => (d.id === changed.id ? changed : d));
}
