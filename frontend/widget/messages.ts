/**
 * One message in the log: author (name and avatar as the website's settings allow),
 * time, body with safe links, attachments, and the delivery state of the visitor's own.
 */
import type { AttachmentData, Message } from "../shared/events.gen";
import type { PendingMessage } from "../shared/thread";
import { el, setAttr, setText } from "./dom";
import { formatBytes, initials, linkify, safeHref } from "./format";
import type { WidgetState } from "./state";

export function messageNode(): HTMLElement {
  const meta = el("div", { class: "fd-meta" }, el("span", { class: "fd-author" }), el("time", { class: "fd-time" }));
  return el(
    "div",
    { class: "fd-message" },
    el("span", { class: "fd-avatar", "aria-hidden": "true", hidden: true }),
    el("div", { class: "fd-content" }, meta, el("div", { class: "fd-body" }), el("div", { class: "fd-files" }), el("span", { class: "fd-state" })),
  );
}

interface Parts {
  avatar: HTMLElement;
  author: HTMLElement;
  time: HTMLElement;
  body: HTMLElement;
  files: HTMLElement;
  state: HTMLElement;
}

function parts(node: HTMLElement): Parts {
  const q = (s: string) => node.querySelector<HTMLElement>(s)!;
  return { avatar: q(".fd-avatar"), author: q(".fd-author"), time: q(".fd-time"), body: q(".fd-body"), files: q(".fd-files"), state: q(".fd-state") };
}

export function updateMessage(node: HTMLElement, message: Message, state: WidgetState, base: string): void {
  const p = parts(node);
  const t = state.strings;
  const own = message.author.type === "visitor";
  const system = message.author.type === "system";
  const look = state.look;
  setAttr(node, "data-seq", String(message.seq));
  setAttr(node, "data-author-type", message.author.type);
  node.classList.toggle("fd-own", own);
  node.classList.toggle("fd-system", system);
  const name = own ? t.you : look.showAgentNames ? message.author.name : t.team;
  setText(p.author, name);
  p.avatar.hidden = own || system || !look.showAgentAvatars;
  setText(p.avatar, initials(name));
  setText(p.time, formatTime(message.created_at, state.locale));
  setAttr(p.time, "datetime", message.created_at);
  if (p.body.dataset["source"] !== message.body) {
    p.body.dataset["source"] = message.body;
    p.body.replaceChildren(...bodyNodes(message.body));
  }
  p.body.hidden = message.body === "";
  if (p.files.childElementCount !== (message.attachments ?? []).length) {
    p.files.replaceChildren(...(message.attachments ?? []).map((a) => attachmentNode(a, base)));
  }
  const read = own && (state.conversations[message.conversation_id]?.agentRead ?? 0) >= message.seq;
  setAttr(node, "data-state", own ? (read ? "read" : "sent") : undefined);
  setText(p.state, own ? (read ? t.read : t.sent) : "");
}

export function updatePending(node: HTMLElement, pending: PendingMessage, state: WidgetState): void {
  const p = parts(node);
  const t = state.strings;
  setAttr(node, "data-author-type", "visitor");
  setAttr(node, "data-state", pending.state);
  node.classList.add("fd-own");
  setText(p.author, t.you);
  setText(p.time, "");
  if (p.body.dataset["source"] !== pending.body) {
    p.body.dataset["source"] = pending.body;
    p.body.replaceChildren(...bodyNodes(pending.body));
  }
  p.body.hidden = pending.body === "";
  setText(p.state, pending.state === "failed" ? `${t.failed}: ${pending.error ?? ""}` : t.sending);
}

/** Text nodes and <a> elements made with DOM calls: a message can never become markup. */
function bodyNodes(body: string): Node[] {
  return linkify(body).map((s) =>
    s.href === undefined ? document.createTextNode(s.text) : el("a", { href: s.href, target: "_blank", rel: "noopener noreferrer" }, s.text),
  );
}

/** Images inline (the signed URL works in <img>), other files as a download link. */
function attachmentNode(file: AttachmentData, base: string): HTMLElement {
  const href = safeAttachmentUrl(file.url, base);
  if (href === null) return el("span", { class: "fd-file" }, file.name);
  const link = el("a", { class: "fd-file", href, target: "_blank", rel: "noopener noreferrer", download: file.image ? undefined : file.name });
  if (file.image) link.append(el("img", { src: href, alt: file.name, loading: "lazy" }));
  else link.append(file.name, el("span", { class: "fd-size" }, ` (${formatBytes(file.size)})`));
  return link;
}

function safeAttachmentUrl(url: string, base: string): string | null {
  try {
    return safeHref(new URL(url, base).href);
  } catch {
    return null;
  }
}

function formatTime(iso: string, locale: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  try {
    return date.toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit" });
  } catch {
    return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }
}
