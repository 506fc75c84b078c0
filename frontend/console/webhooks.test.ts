import { describe, expect, it } from "vitest";
import { failingEndpoints, outcomeOf, replaceDelivery, type Delivery, type WebhookEndpoint } from "./webhooks";

const endpoint = (over: Partial<WebhookEndpoint>): WebhookEndpoint => ({
  id: "e1",
  url: "https://crm.example.com/hooks",
  description: "",
  events: ["message.created"],
  enabled: true,
  disabled_reason: null,
  disabled_at: null,
  failing_since: null,
  previous_secret_expires_at: null,
  created_at: "2026-12-07T10:00:00.000Z",
  updated_at: "2026-12-07T10:00:00.000Z",
  ...over,
});

const delivery = (over: Partial<Delivery>): Delivery => ({
  id: "msg_1",
  event_type: "message.created",
  conversation_id: "c1",
  status: "pending",
  attempts: 1,
  created_at: "2026-12-07T10:00:00.000Z",
  next_attempt_at: "2026-12-07T10:05:00.000Z",
  last_attempt_at: "2026-12-07T10:00:00.000Z",
  last_status_code: 500,
  last_error: "answered 500",
  delivered_at: null,
  ...over,
});

describe("webhooks", () => {
  it("says an attempt's status code, else its error", () => {
    expect(outcomeOf({ status_code: 503, error: "answered 503" })).toBe("503");
    expect(outcomeOf({ status_code: null, error: "no answer within 10 s" })).toBe("no answer within 10 s");
  });

  it("names only the endpoints the server turned off, not those an admin did", () => {
    const all = [endpoint({ id: "a" }), endpoint({ id: "b", enabled: false, disabled_reason: "failing" }), endpoint({ id: "c", enabled: false, disabled_reason: "manual" })];
    expect(failingEndpoints(all).map((e) => e.id)).toEqual(["b"]);
  });

  it("replaces a delivery by its newer copy, keeping the others and their order", () => {
    const list = [delivery({ id: "msg_2" }), delivery({ id: "msg_1" })];
    const again = delivery({ id: "msg_1", status: "delivered", attempts: 2 });
    expect(replaceDelivery(list, again)).toEqual([list[0], again]);
  });
});
