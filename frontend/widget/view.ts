/**
 * The widget's DOM, inside an open shadow root so the host page's CSS cannot reach it.
 * Built once; render() brings it in line with the store, reusing message elements by key.
 */
import type { Message } from "../shared/events.gen";
import type { PendingMessage } from "../shared/thread";
import { CHAT_ICON, CLOSE_ICON, el, icon, setAttr, setText } from "./dom";
import type { WidgetState } from "./state";
import css from "./styles.css?inline";

export interface ViewActions {
  open(): void;
  close(): void;
  /** Returns false when there was nothing to send. */
  send(body: string): boolean;
  typed(body: string): void;
}

/** Within this many pixels of the bottom, the log follows new messages. */
const STICK_TO_BOTTOM_PX = 48;

export class WidgetView {
  readonly host = el("div", { id: "frontdesk-widget" });
  private readonly launcher = el("button", { class: "fd-launcher", type: "button", "aria-label": "Open chat" });
  private readonly badge = el("span", { class: "fd-badge", "aria-hidden": "true", hidden: true });
  private readonly panel = el("section", { class: "fd-panel", role: "dialog", "aria-label": "Chat", hidden: true });
  private readonly status = el("p", { class: "fd-status" });
  private readonly notice = el("p", { class: "fd-notice", role: "alert", hidden: true });
  private readonly log = el("div", { class: "fd-log", role: "log", "aria-live": "polite" });
  private readonly greeting = el("p", { class: "fd-greeting" });
  private readonly typing = el("p", { class: "fd-typing", "aria-live": "polite" });
  private readonly input = el("textarea", { "aria-label": "Type your message", placeholder: "Type your message…", rows: "1" });
  private readonly title = el("h2", { class: "fd-title" });
  private readonly root = el("div", { class: "fd-root" });
  private readonly items = new Map<string, HTMLElement>();
  private readonly sheet: CSSStyleSheet | null;

  constructor(private readonly actions: ViewActions) {
    const shadow = this.host.attachShadow({ mode: "open" });
    this.sheet = adoptStyles(shadow, css);
    this.launcher.append(icon(CHAT_ICON), this.badge);
    this.launcher.addEventListener("click", () => actions.open());
    this.root.append(this.buildPanel(), this.launcher);
    shadow.append(this.root);
  }

  /**
   * The website's colour, as a :host rule so that the embedding page can still override
   * it with #frontdesk-widget { --fd-primary: ... } (page rules beat :host rules).
   */
  setPrimaryColor(color: string): void {
    if (this.sheet !== null) this.sheet.insertRule(`:host { --fd-primary: ${color}; }`, this.sheet.cssRules.length);
    else this.host.style.setProperty("--fd-primary", color);
  }

  private buildPanel(): HTMLElement {
    const close = el("button", { class: "fd-close", type: "button", "aria-label": "Close chat" }, icon(CLOSE_ICON));
    close.addEventListener("click", () => this.actions.close());
    const header = el("header", { class: "fd-header" }, el("div", {}, this.title, this.status), close);
    this.log.append(this.greeting);
    const form = el("form", { class: "fd-composer" }, this.input, el("button", { class: "fd-send", type: "submit" }, "Send"));
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.submit();
    });
    this.input.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
        ev.preventDefault();
        this.submit();
      }
    });
    this.input.addEventListener("input", () => this.actions.typed(this.input.value));
    this.panel.addEventListener("keydown", (ev) => {
      if (ev.key === "Escape") this.actions.close();
    });
    this.panel.append(header, this.notice, this.log, this.typing, form);
    return this.panel;
  }

  private submit(): void {
    if (this.actions.send(this.input.value)) this.input.value = "";
    this.input.focus();
  }

  render(state: WidgetState): void {
    const opening = state.open && this.panel.hidden;
    this.panel.hidden = !state.open;
    this.launcher.hidden = state.open;
    this.badge.hidden = state.unread === 0;
    setText(this.badge, String(state.unread));
    setAttr(this.launcher, "aria-label", state.unread > 0 ? `Open chat (${state.unread} new)` : "Open chat");
    setText(this.title, state.title);
    setText(this.status, statusText(state));
    this.root.classList.toggle("fd-left", state.position === "left");
    this.notice.hidden = state.notice === null;
    setText(this.notice, state.notice ?? "");
    setText(this.greeting, state.agentsOnline ? state.greeting : "We're away right now. Leave a message and we'll get back to you.");
    setText(this.typing, state.typing === null ? "" : `${state.typing.name} is typing…`);
    this.input.maxLength = state.bodyMaxChars;
    this.renderMessages(state, opening);
    if (opening) this.input.focus();
  }

  private renderMessages(state: WidgetState, forceBottom: boolean): void {
    const log = this.log;
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < STICK_TO_BOTTOM_PX;
    const seen = new Set<string>();
    for (const message of state.thread.messages) {
      const key = message.client_ref ?? message.id;
      seen.add(key);
      log.append(this.item(key, () => messageItem(message), (node) => updateMessage(node, message)));
    }
    for (const pending of state.thread.pending) {
      seen.add(pending.client_ref);
      log.append(this.item(pending.client_ref, () => messageItem(pending), (node) => updatePending(node, pending)));
    }
    for (const [key, node] of this.items) {
      if (seen.has(key)) continue;
      node.remove();
      this.items.delete(key);
    }
    if (forceBottom || atBottom) log.scrollTop = log.scrollHeight;
  }

  /** The element for `key`, created once and updated on every render. */
  private item(key: string, create: () => HTMLElement, update: (node: HTMLElement) => void): HTMLElement {
    let node = this.items.get(key);
    if (node === undefined) {
      node = create();
      this.items.set(key, node);
    }
    update(node);
    return node;
  }
}

function statusText(state: WidgetState): string {
  if (state.connection === "offline") return "Reconnecting…";
  if (state.connection === "connecting" || state.connection === "syncing") return "Connecting…";
  return state.agentsOnline ? "We're online" : "We'll reply by email";
}

function messageItem(source: Message | PendingMessage): HTMLElement {
  const isSystem = "author" in source && source.author.type === "system";
  const node = el("div", { class: isSystem ? "fd-message fd-system" : "fd-message" });
  const meta = el("div", { class: "fd-meta" }, el("span", { class: "fd-author" }), el("time", { class: "fd-time" }));
  node.append(meta, el("div", { class: "fd-body" }));
  return node;
}

function updateMessage(node: HTMLElement, message: Message): void {
  const own = message.author.type === "visitor";
  setAttr(node, "data-seq", String(message.seq));
  setAttr(node, "data-author-type", message.author.type);
  setAttr(node, "data-state", own ? "sent" : undefined);
  node.classList.toggle("fd-own", own);
  fill(node, own ? "You" : message.author.name, message.body, formatTime(message.created_at), message.created_at);
}

function updatePending(node: HTMLElement, pending: PendingMessage): void {
  setAttr(node, "data-author-type", "visitor");
  setAttr(node, "data-state", pending.state);
  node.classList.add("fd-own");
  const label = pending.state === "failed" ? `Not sent: ${pending.error ?? "refused"}` : "Sending…";
  fill(node, "You", pending.body, label, undefined);
}

function fill(node: HTMLElement, author: string, body: string, time: string, datetime: string | undefined): void {
  const [meta, bodyNode] = node.children;
  const [authorNode, timeNode] = meta?.children ?? [];
  if (authorNode) setText(authorNode, author);
  if (timeNode) {
    setText(timeNode, time);
    setAttr(timeNode, "datetime", datetime);
  }
  if (bodyNode) setText(bodyNode, body);
}

function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

/**
 * Constructed stylesheets are not subject to the host page's CSP `style-src`, unlike a
 * <style> element; the element is the fallback for browsers without them.
 */
function adoptStyles(root: ShadowRoot, text: string): CSSStyleSheet | null {
  if ("adoptedStyleSheets" in root && typeof CSSStyleSheet !== "undefined" && "replaceSync" in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(text);
    root.adoptedStyleSheets = [sheet];
    return sheet;
  }
  root.append(el("style", {}, text));
  return null;
}
