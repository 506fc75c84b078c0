/**
 * window.Frontdesk's methods, as the app runs them (the loader queues them until the app
 * is here, docs/widget-api.md). A bad call is reported with a console warning that names
 * it, and never throws into the page.
 */
import type { Identity } from "./api";
import type { Widget } from "./app";
import type { AppHandle } from "./contract";
import { OlarkShim } from "./olark";

type Method = (...args: unknown[]) => unknown;

export function createHandle(widget: Widget): AppHandle {
  const olark = new OlarkShim(widget);
  const methods: Record<string, Method> = {
    open: () => widget.setOpen(true),
    close: () => widget.setOpen(false),
    toggle: () => widget.setOpen(!widget.state.open),
    // The loader already hid or showed the widget and told the page; the shim's hooks remain.
    hide: () => widget.emit("hide", undefined, false),
    show: () => widget.emit("show", undefined, false),
    identify: (fields) => widget.identify(identityOf(fields)),
    reset: () => widget.reset(),
    setLocale: (code) => widget.setLocale(code),
    sendMessage: (text) => {
      if (typeof text !== "string" || text.trim() === "") throw new TypeError("sendMessage expects a non-empty string");
      widget.send(text);
    },
    olark: (...args) => olark.call(args),
  };
  return {
    call(name, args) {
      const method = methods[name];
      if (method === undefined) return warn(`Frontdesk.${name}`, "is not a Frontdesk API call");
      try {
        const result = method(...args);
        if (result instanceof Promise) result.catch((error: unknown) => warn(`Frontdesk.${name}`, error));
      } catch (error) {
        warn(`Frontdesk.${name}`, error);
      }
    },
  };
}

/** Frontdesk.identify's camelCase fields → POST /widget/identify's snake_case body. */
export function identityOf(fields: unknown): Identity {
  if (typeof fields !== "object" || fields === null || Array.isArray(fields)) {
    throw new TypeError("identify expects an object such as {email: 'ada@example.com'}");
  }
  const f = fields as Record<string, unknown>;
  const identity: Identity = {};
  const text = (key: string, to: keyof Identity): void => {
    const value = f[key];
    if (value === undefined || value === null) return;
    if (typeof value !== "string" && typeof value !== "number") throw new TypeError(`identify: "${key}" must be a string`);
    (identity as Record<string, unknown>)[to] = String(value);
  };
  text("name", "name");
  text("email", "email");
  text("phone", "phone");
  text("externalId", "external_id");
  text("signature", "signature");
  const custom = f["customAttributes"];
  if (custom !== undefined) {
    if (typeof custom !== "object" || custom === null || Array.isArray(custom)) throw new TypeError('identify: "customAttributes" must be an object');
    identity.custom_attributes = custom as Record<string, unknown>;
  }
  if (Object.keys(identity).length === 0) throw new TypeError("identify: nothing to identify (name, email, phone, externalId, customAttributes)");
  return identity;
}

export function warn(call: string, problem: unknown): void {
  const text = problem instanceof Error ? problem.message : String(problem);
  console.warn(`Frontdesk: ${call} ignored: ${text}`);
}
