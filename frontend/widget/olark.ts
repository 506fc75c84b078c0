/**
 * The Olark-compatible shim (../shared/OLARK-API.md): a site moving from Olark keeps its
 * olark(...) calls. The loader queues them (both embed forms); this maps each onto the
 * widget. Table in docs/widget-api.md. Malformed calls are ignored with a console
 * warning naming the call; nothing here may throw into the page.
 */
import type { Identity } from "./api";
import type { Widget } from "./app";
import { warn } from "./calls";
import type { Strings } from "./i18n";
import type { Look, PrechatField } from "./settings";

type Cb = (event?: unknown) => void;
type Handler = (arg: unknown) => unknown;

/** Olark's locale.* keys → the widget's strings (look: the website's own texts). */
const LOCALE_LOOK: Record<string, keyof Look> = {
  welcome_title: "title",
  chatting_title: "title",
  unavailable_title: "awayTitle",
  welcome_message: "greeting",
  away_message: "away",
  offline_note_message: "away",
};
const LOCALE_STRINGS: Record<string, keyof Strings> = {
  chat_input_text: "placeholder",
  name_input_text: "name",
  email_input_text: "email",
  offline_note_thankyou_text: "thanks",
  send_button_text: "send",
  introduction_messages: "prechatIntro",
  introduction_submit_button_text: "startChat",
};
/** Olark keys that exist but that Frontdesk has no use for: accepted quietly. */
const ACCEPTED = new Set(["locale.busy_title", "locale.busy_message", "system.is_single_page_application"]);

export class OlarkShim {
  private customFields: Record<string, unknown> = {};
  private phone: string | null = null;
  private ask: Record<"name" | "email" | "phone", string> = { name: "required", email: "required", phone: "hidden" };
  private prechat: boolean | null = null;
  private readonly calls: Record<string, Handler>;
  private readonly started = Date.now();

  constructor(private readonly w: Widget) {
    const on = (event: string, map: (data: unknown) => unknown = () => undefined) => (cb: unknown) => {
      const fn = callback(cb);
      w.hook(event, (data) => fn(map(data)));
    };
    const identify = (make: (arg: unknown) => Identity) => (arg: unknown) => w.identify(make(arg));
    const received = (data: unknown) => (data as { message: { body: string; author: { name: string } } }).message;
    this.calls = {
      "api.box.show": () => this.setHidden(false),
      "api.box.hide": () => this.setHidden(true),
      "api.box.expand": () => w.setOpen(true),
      "api.box.shrink": () => w.setOpen(false),
      "api.box.setLocale": (code) => w.setLocale(code),
      "api.box.onShow": on("show"),
      "api.box.onHide": on("hide"),
      "api.box.onExpand": on("open"),
      "api.box.onShrink": on("close"),
      // Olark has no logout call; this is Frontdesk's, for sites moving from it (docs/widget-api.md).
      "api.visitor.reset": () => w.reset(),
      "api.visitor.updateEmailAddress": identify((a) => ({ email: field(a, "emailAddress") })),
      "api.visitor.updateFullName": identify((a) => ({ name: field(a, "fullName") })),
      "api.visitor.updatePhoneNumber": identify((a) => {
        this.phone = field(a, "phoneNumber");
        return { phone: this.phone };
      }),
      "api.visitor.updateCustomFields": identify((a) => {
        this.customFields = { ...this.customFields, ...plainObject(a) }; // merged across calls, as Olark does
        return { custom_attributes: this.customFields };
      }),
      "api.visitor.getDetails": (cb) => this.getDetails(callback(cb)),
      "api.chat.onReady": (cb) => void w.ready.then(callback(cb)),
      "api.chat.onBeginConversation": on("conversation:started"),
      "api.chat.onMessageToOperator": on("message:sent", (d) => ({ message: { body: (d as { message: { body: string } }).message.body } })),
      "api.chat.onMessageToVisitor": on("message:received", (d) => ({ message: { body: received(d).body, nickname: received(d).author.name } })),
      "api.chat.onCommandFromOperator": (cb) => {
        const fn = callback(cb);
        w.hook("message:received", (d) => {
          const body = received(d).body.trim();
          if (!body.startsWith("!")) return;
          const [name = "", ...rest] = body.slice(1).split(/\s+/);
          fn({ command: { name, body: rest.join(" ") } });
        });
      },
      "api.chat.onOfflineMessageToOperator": on("offline-message", (d) => ({ message: { body: (d as { message: { body: string } }).message.body } })),
      "api.chat.onOperatorsAvailable": (cb) => this.onAvailability(callback(cb), true),
      "api.chat.onOperatorsAway": (cb) => this.onAvailability(callback(cb), false),
      "api.chat.sendNotificationToOperator": async (a) => {
        const body = field(a, "body");
        await w.ready;
        await w.api.notify(body);
      },
      "api.chat.sendMessageToVisitor": async (a) => {
        const body = field(a, "body");
        await w.ready;
        await w.api.siteMessage(body);
      },
      "api.chat.sendNotificationToVisitor": (a) => w.localNote(field(a, "body")),
      "api.chat.updateVisitorNickname": identify((a) => ({ nickname: field(a, "snippet") })),
      "api.chat.updateVisitorStatus": identify((a) => {
        const snippet = (a as { snippet?: unknown } | null)?.snippet;
        const lines = Array.isArray(snippet) ? snippet : [snippet];
        if (!lines.every((l) => typeof l === "string")) throw new TypeError('expects {snippet: "text" or ["lines"]}');
        return { status: lines as string[] };
      }),
      "api.chat.setOperatorGroup": identify((a) => ({ custom_attributes: { operator_group: field(a, "group") } })),
      "api.rules.defineRule": (rule) => this.defineRule(rule),
    };
  }

  /** One olark(...) call: ["api.box.expand"], ["configure", key, value], ["extend", fn], ... */
  call(args: unknown[]): void {
    const [name, arg, value] = args;
    const label = `olark(${JSON.stringify(String(name))})`;
    try {
      if (name === "configure") return this.configure(arg, value);
      if (name === "extend") return typeof arg === "function" ? void (arg as (api: unknown) => void)(this.extendApi()) : undefined;
      if (name === "declare" || name === "identify") return;
      const handler = typeof name === "string" ? this.calls[name] : undefined;
      if (handler === undefined) return warn(label, "is not a supported Olark call");
      const result = handler(arg);
      if (result instanceof Promise) result.catch((error: unknown) => warn(label, error));
    } catch (error) {
      warn(label, error);
    }
  }

  /** The object olark.extend(function (api) {...}) gets: api.box.expand(), api.chat..., api.visitor... */
  private extendApi(): Record<string, Record<string, (arg?: unknown) => void>> {
    const api: Record<string, Record<string, (arg?: unknown) => void>> = {};
    for (const name of Object.keys(this.calls)) {
      const [, group = "", method = ""] = name.split(".");
      (api[group] ??= {})[method] = (arg?: unknown) => this.call([name, arg]);
    }
    return api;
  }

  private configure(key: unknown, value: unknown): void {
    const label = `olark.configure(${JSON.stringify(key)})`;
    if (typeof key !== "string") return warn(label, "the key must be a string");
    const [scope, name = ""] = key.split(/\.(.*)/s);
    const w = this.w;
    if (scope === "locale" && (name in LOCALE_LOOK || name in LOCALE_STRINGS)) {
      const text = Array.isArray(value) && name === "introduction_messages" ? value.join("\n") : value;
      if (typeof text !== "string") return warn(label, "expects a string");
      if (name in LOCALE_LOOK) w.lookOverrides = { ...w.lookOverrides, [LOCALE_LOOK[name]!]: text };
      else w.stringOverrides = { ...w.stringOverrides, [LOCALE_STRINGS[name]!]: text };
    } else if (key === "system.hb_position") {
      if (value !== "left" && value !== "right") return warn(label, "expects 'left' or 'right'");
      w.lookOverrides = { ...w.lookOverrides, position: value };
    } else if (key === "system.hb_primary_color") {
      if (typeof value !== "string" || !/^#([0-9a-f]{3}){1,2}$/i.test(value)) return warn(label, "expects a colour such as '#0088cc'");
      w.lookOverrides = { ...w.lookOverrides, color: expandHex(value) };
    } else if (key === "system.localization") {
      return w.setLocale(value);
    } else if (key === "system.group") {
      if (typeof value !== "string") return warn(label, "expects a group name");
      w.identify({ custom_attributes: { operator_group: value } }).catch((e: unknown) => warn(label, e));
      return;
    } else if (/^system\.ask_for_(name|email|phone)$/.test(key)) {
      if (value !== "required" && value !== "optional" && value !== "hidden") return warn(label, "expects 'required', 'optional' or 'hidden'");
      this.ask[key.slice(15) as "name" | "email" | "phone"] = value;
      this.applyPrechat();
    } else if (key === "features.prechat_survey") {
      if (typeof value !== "boolean") return warn(label, "expects true or false");
      this.prechat = value;
      this.applyPrechat();
    } else if (key === "box.start_hidden") {
      if (typeof value !== "boolean") return warn(label, "expects true or false");
      if (value) this.setHidden(true);
      return;
    } else if (ACCEPTED.has(key) || (scope === "locale" && typeof value === "string")) {
      return; // a real Olark setting with no Frontdesk counterpart
    } else {
      return warn(label, "is not a supported Olark setting");
    }
    w.relocalize();
  }

  private applyPrechat(): void {
    const labels = { name: "Name", email: "Email", phone: "Phone" };
    const t = this.w.state.strings;
    const fields: PrechatField[] = (["name", "email", "phone"] as const)
      .filter((n) => this.ask[n] !== "hidden")
      .map((n) => ({ name: n, label: t[n] ?? labels[n], type: n === "email" ? "email" : n === "phone" ? "tel" : "text", required: this.ask[n] === "required" }));
    const enabled = this.prechat ?? this.w.state.look.prechat.enabled;
    this.w.lookOverrides = { ...this.w.lookOverrides, prechat: { enabled, fields } };
  }

  private setHidden(hidden: boolean): void {
    const host = this.w.ctx.host;
    if ((host.style.display === "none") === hidden) return;
    host.style.display = hidden ? "none" : "";
    this.w.emit(hidden ? "hide" : "show");
  }

  /** Fires once for the current state (for late subscribers too), then on every change. */
  private onAvailability(cb: Cb, wanted: boolean): void {
    void this.w.ready.then(() => {
      if (this.w.state.agentsOnline === wanted) cb();
      this.w.hook("availability", (online) => {
        if (online === wanted) cb();
      });
    });
  }

  /** After the identify calls made so far: the details include what the site just set. */
  private getDetails(cb: Cb): void {
    void this.w.settled().then(() => {
      const s = this.w.state;
      cb({
        isConversing: s.thread.messages.length > 0 && Object.values(s.conversations).some((c) => c.status !== "resolved"),
        emailAddress: s.contact.email ?? "",
        fullName: s.contact.name ?? "",
        phoneNumber: this.phone ?? "",
        city: null,
        region: null,
        country: null,
        operatingSystem: operatingSystem(),
        browser: browser(),
        currentPage: { url: location.href, title: document.title },
        pageCountForThisVisit: visit().pages,
        secondsSpentForThisVisit: Math.round((Date.now() - visit().since) / 1000),
        customFields: { ...this.customFields },
      });
    });
  }

  /** Olark's rules, the simple way: condition(pass) is checked every second; action() runs once per page. */
  private defineRule(rule: unknown): void {
    const r = rule as { condition?: unknown; action?: unknown } | null;
    if (typeof r?.condition !== "function" || typeof r.action !== "function") throw new TypeError("expects {condition(pass), action()}");
    let done = false;
    const timer = setInterval(() => {
      (r.condition as (pass: () => void) => void)(() => {
        if (done) return;
        done = true;
        clearInterval(timer);
        (r.action as () => void)();
      });
    }, 1000);
  }

  get startedAt(): number {
    return this.started;
  }
}

function callback(cb: unknown): Cb {
  if (typeof cb !== "function") throw new TypeError("expects a function");
  return (event) => {
    try {
      (cb as Cb)(event);
    } catch (error) {
      console.error(error); // the site's callback failed; the widget goes on
    }
  };
}

function plainObject(value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new TypeError("expects an object of fields");
  return value as Record<string, unknown>;
}

function field(arg: unknown, key: string): string {
  const value = (arg as Record<string, unknown> | null)?.[key];
  if (typeof value !== "string" && typeof value !== "number") throw new TypeError(`expects {${key}: "..."}`);
  return String(value);
}

function expandHex(hex: string): string {
  return hex.length === 4 ? "#" + [...hex.slice(1)].map((c) => c + c).join("") : hex;
}

function operatingSystem(): string {
  const ua = navigator.userAgent;
  for (const [needle, name] of [["Windows", "Windows"], ["Android", "Android"], ["iPhone", "iOS"], ["iPad", "iOS"], ["Mac OS", "macOS"], ["CrOS", "ChromeOS"], ["Linux", "Linux"]]) {
    if (ua.includes(needle!)) return name!;
  }
  return "";
}

function browser(): string {
  const ua = navigator.userAgent;
  for (const [needle, name] of [["Edg/", "Edge"], ["OPR/", "Opera"], ["Firefox/", "Firefox"], ["Chrome/", "Chrome"], ["Safari/", "Safari"]]) {
    if (ua.includes(needle!)) return name!;
  }
  return "";
}

/** This visit's page count and start, kept in sessionStorage (a visit = a browser tab session). */
function visit(): { pages: number; since: number } {
  try {
    const raw = JSON.parse(sessionStorage.getItem("frontdesk:visit") ?? "null") as { pages: number; since: number } | null;
    return raw ?? { pages: 1, since: Date.now() };
  } catch {
    return { pages: 1, since: Date.now() };
  }
}

/** Counts this page view (the app calls it once per page load). */
export function countPageView(): void {
  try {
    const v = JSON.parse(sessionStorage.getItem("frontdesk:visit") ?? "null") as { pages: number; since: number } | null;
    sessionStorage.setItem("frontdesk:visit", JSON.stringify(v ? { ...v, pages: v.pages + 1 } : { pages: 1, since: Date.now() }));
  } catch {
    // no storage: getDetails reports this page only
  }
}
