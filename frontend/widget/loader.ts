/**
 * widget.js, the embed snippet's script. It runs on every page of the customer's site, so
 * it is kept tiny (≤ 2 KB gzipped) and never blocks: it defines the one global API object
 * `Frontdesk` (plus the `olark` shim's queue), draws the launcher in a shadow root and
 * fetches the chat itself (widget-app.js) only when it is needed: on first open, for a
 * visitor with an ongoing conversation, or when an API call needs it.
 *
 *   <script src="https://HOST/static/widget/widget.js" data-website-key="KEY" async></script>
 */
import { storageKey, type AppFactory, type AppHandle, type Call, type CachedLook, type LoaderContext } from "./contract";

type Listener = (data?: unknown) => void;
type Api = ((name: string, ...args: unknown[]) => void) & Record<string, unknown>;
type Olark = ((...args: unknown[]) => void) & Record<string, unknown>;

const w = window as unknown as Record<string, unknown>;
const script = (document.currentScript ?? document.querySelector("script[data-website-key]")) as HTMLScriptElement | null;
const key = script?.dataset["websiteKey"];

const METHODS = "open close toggle hide show identify reset setLocale sendMessage on off".split(" ");
/** Calls the loader answers itself; any other loads the app. */
const LOCAL = new Set(["on", "off", "hide", "show", "close"]);

function store(kind: "local" | "session", name: Parameters<typeof storageKey>[1]): string | null {
  try {
    return (kind === "local" ? localStorage : sessionStorage).getItem(storageKey(key!, name));
  } catch {
    return null; // storage blocked: behave as a first visit
  }
}

function boot(): void {
  if (script === null || !key) {
    console.warn('Frontdesk: add data-website-key="…" to the widget\'s <script> tag.');
    return;
  }
  if (document.getElementById("frontdesk-widget")) return; // embedded twice
  const base = new URL(script.src, location.href).origin;
  const listeners: Record<string, Set<Listener>> = {};
  const sticky: Record<string, unknown[]> = {};
  const pre = w["Frontdesk"] as { q?: IArguments[] } | undefined; // a stub snippet's queue
  const queue: Call[] = (pre?.q ?? []).map((a) => [String(a[0]), [...a].slice(1)]);
  let app: AppHandle | null = null;
  let loading = false;

  const host = document.createElement("div");
  host.id = "frontdesk-widget";
  const shadow = host.attachShadow({ mode: "open" });
  const launcher = document.createElement("button");
  launcher.type = "button";
  launcher.className = "fd-launcher";
  launcher.setAttribute("aria-label", "Open chat");
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  const path = document.createElementNS(ns, "path");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  path.setAttribute("d", "M4 5h16v11H8l-4 4z");
  svg.append(path);
  launcher.append(svg);
  const look = JSON.parse(store("local", "look") ?? "{}") as CachedLook;
  const side = look.p === "left" ? "left" : "right";
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(
    `:host{all:initial}[hidden]{display:none!important}.fd-launcher{position:fixed;${side}:${look.x ?? 20}px;bottom:${look.y ?? 20}px;z-index:2147483000;width:56px;height:56px;border:0;border-radius:50%;background:${look.c ?? "#2563eb"};color:#fff;cursor:pointer;display:grid;place-items:center;box-shadow:0 6px 20px #0003}svg{width:24px;height:24px;fill:none;stroke:currentColor;stroke-width:2}`,
  );
  shadow.adoptedStyleSheets = [sheet];
  shadow.append(launcher);

  const emit = (event: string, data?: unknown): void => {
    if (event === "ready") sticky[event] = [data];
    for (const cb of [...(listeners[event] ?? [])]) {
      try {
        cb(data);
      } catch (error) {
        console.error(error); // one page listener's bug must not stop the others
      }
    }
  };

  const load = (): void => {
    if (loading) return;
    loading = true;
    const tag = document.createElement("script");
    tag.src = new URL("widget-app.js", script.src).toString();
    tag.async = true;
    document.head.append(tag);
  };

  const local: Record<string, (...args: unknown[]) => void> = {
    on(event, cb) {
      if (typeof cb !== "function") return;
      (listeners[String(event)] ??= new Set()).add(cb as Listener);
      if (String(event) in sticky) (cb as Listener)(sticky[String(event)]![0]);
    },
    off(event, cb) {
      listeners[String(event)]?.delete(cb as Listener);
    },
    hide() {
      host.style.display = "none";
      emit("hide");
    },
    show() {
      host.style.display = "";
      emit("show");
    },
  };

  const call = (name: string, args: unknown[]): void => {
    if (name === "reset" && !app && !loading) {
      // A logout on a page where the chat never loaded: end the session without loading it.
      const token = store("local", "token");
      if (token) void fetch(base + "/api/v1/widget/session/end", { method: "POST", headers: { Authorization: "Bearer " + token }, keepalive: true }).catch(() => undefined);
      for (const what of ["token", "ongoing", "prechat"] as const) {
        try {
          localStorage.removeItem(storageKey(key, what));
        } catch {
          // storage blocked: nothing was kept
        }
      }
      return;
    }
    local[name]?.(...args);
    if (app) app.call(name, args);
    else if (name !== "on" && name !== "off") {
      queue.push([name, args]);
      if (!LOCAL.has(name)) load();
    }
  };

  const api = ((name: string, ...args: unknown[]) => call(String(name), args)) as Api;
  for (const name of METHODS) api[name] = (...args: unknown[]) => call(name, args);
  const context: LoaderContext = { key, base, host, shadow, launcher, queue, emit, activitySent: false };
  api["_m"] = (factory: AppFactory) => {
    if (app) return;
    app = factory(context);
  };
  w["Frontdesk"] = api;

  // The olark() shim's front half: queue every call (and drain an Olark stub's queue,
  // either embed form); the app maps them (OLARK-API.md). olark.identify(siteId) alone
  // does not need the app.
  const old = w["olark"] as Olark | undefined;
  const stub = (old?.["_"] ?? {}) as { s?: ArrayLike<unknown>[]; c?: Record<string, unknown> };
  const olark = ((...args: unknown[]) => {
    if (args[0] === "call") args = [args[1], ...Array.from((args[2] ?? []) as ArrayLike<unknown>)];
    // An Olark site id (the snippet already names the website), the old embed's load
    // marker, and extend('PluginName') need nothing.
    if (args[0] === "identify" || args[0] === "load" || (args[0] === "extend" && typeof args[1] !== "function")) return;
    call("olark", args);
  }) as Olark;
  for (const name of ["configure", "extend", "declare", "identify"]) olark[name] = (...args: unknown[]) => olark(name, ...args);
  for (const [k, v] of Object.entries(stub.c ?? {})) olark("configure", k, v);
  for (const args of stub.s ?? []) olark(...Array.from(args));
  olark["_"] = stub;
  w["olark"] = olark;

  for (const [name, args] of queue.splice(0)) call(name, args);
  document.body.append(host);
  launcher.addEventListener("click", () => call("open", []));

  const token = store("local", "token");
  if (token) {
    context.activitySent = true;
    void fetch(base + "/api/v1/widget/activity", {
      method: "POST",
      headers: { Authorization: "Bearer " + token, "Content-Type": "application/json" },
      body: JSON.stringify({
        url: location.href,
        title: document.title,
        referrer: document.referrer,
        language: navigator.language,
        time_zone: Intl.DateTimeFormat().resolvedOptions().timeZone,
        screen: { width: screen.width, height: screen.height },
      }),
      keepalive: true,
    }).catch(() => undefined);
  }
  if (store("local", "ongoing") || store("session", "open") === "1") load();
  emit("ready");
}

if (document.body) boot();
else document.addEventListener("DOMContentLoaded", boot, { once: true });
