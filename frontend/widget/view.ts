/**
 * The widget's DOM, inside the loader's open shadow root so the host page's CSS cannot
 * reach it. Built once; render() brings it in line with the store, reusing nodes by key.
 */
import type { LoaderContext } from "./contract";
import { button, CLIP_ICON, CLOSE_ICON, el, icon, setAttr, setText, SMILE_ICON } from "./dom";
import { EMOJI } from "./emoji";
import { EndCard, offlineFields, prechatFields, SimpleForm, type EndCardActions, type FormValues } from "./forms";
import { directionOf, fill } from "./i18n";
import { messageNode, updateMessage, updatePending } from "./messages";
import { endedConversation, stageOf, type WidgetState } from "./state";
import { textOn } from "./format";
import css from "./styles.css?inline";

export interface ViewActions extends EndCardActions {
  open(): void;
  close(): void;
  /** Returns false when there was nothing to send. */
  send(body: string): boolean;
  typed(body: string): void;
  attach(file: File): void;
  prechat(values: FormValues): Promise<void>;
  offline(values: FormValues): Promise<void>;
}

/** Within this many pixels of the bottom, the log follows new messages. */
const STICK_TO_BOTTOM_PX = 48;

export class WidgetView {
  private readonly launcher: HTMLButtonElement;
  private readonly badge = el("span", { class: "fd-badge", "aria-hidden": "true", hidden: true });
  private readonly panel = el("section", { class: "fd-panel", role: "dialog", "aria-modal": "true", hidden: true });
  private readonly logo = el("img", { class: "fd-logo", alt: "", hidden: true });
  private readonly title = el("h2", { class: "fd-title", id: "fd-title" });
  private readonly status = el("p", { class: "fd-status" });
  private readonly closeButton: HTMLButtonElement;
  private readonly notice = el("p", { class: "fd-notice", role: "alert", hidden: true });
  private readonly log = el("div", { class: "fd-log", role: "log", "aria-live": "polite", tabindex: "0" });
  private readonly greeting = el("p", { class: "fd-greeting" });
  private readonly typing = el("p", { class: "fd-typing", "aria-live": "polite" });
  /** The visitor's place in the queue; always in the layout (empty: no height) so its live region is announced. */
  private readonly queue = el("p", { class: "fd-queue", role: "status" });
  private readonly input = el("textarea", { rows: "1", id: "fd-input" });
  private readonly sendButton = el("button", { class: "fd-send", type: "submit" });
  private readonly fileInput = el("input", { type: "file", hidden: true, tabindex: "-1" });
  private readonly fileButton: HTMLButtonElement;
  private readonly emojiButton: HTMLButtonElement;
  private readonly emojiPicker = el("div", { class: "fd-emoji", role: "group", hidden: true });
  private readonly fileNote = el("p", { class: "fd-file-note", role: "status" });
  private readonly composer: HTMLElement;
  private readonly chat = el("div", { class: "fd-chat" });
  private readonly prechat: SimpleForm;
  private readonly offline: SimpleForm;
  private readonly offlineSent = el("p", { class: "fd-done", role: "status", tabindex: "-1" });
  private readonly endCard: EndCard;
  private readonly items = new Map<string, HTMLElement>();
  private readonly notes = new Map<string, HTMLElement>();
  private readonly root = el("div", { class: "fd-root" });
  private readonly sheet = new CSSStyleSheet();
  /** The website's colours and offsets, as :host custom properties. */
  private readonly vars = new CSSStyleSheet();
  private varsRule = "";
  private lastStage = "";
  private lastOpen = false;

  constructor(
    private readonly ctx: LoaderContext,
    private readonly actions: ViewActions,
  ) {
    this.sheet.replaceSync(css);
    ctx.shadow.adoptedStyleSheets = [this.sheet, this.vars];
    this.launcher = ctx.launcher;
    this.launcher.append(this.badge);
    this.closeButton = button({ class: "fd-close" }, () => actions.close(), icon(CLOSE_ICON));
    this.fileButton = button({ class: "fd-tool" }, () => this.fileInput.click(), icon(CLIP_ICON));
    this.emojiButton = button({ class: "fd-tool", "aria-expanded": "false" }, () => this.toggleEmoji(), icon(SMILE_ICON));
    this.composer = this.buildComposer();
    this.prechat = new SimpleForm("fd-prechat", (v) => actions.prechat(v));
    this.offline = new SimpleForm("fd-offline", (v) => actions.offline(v));
    this.endCard = new EndCard(actions);
    this.log.append(this.greeting);
    this.chat.append(this.log, this.typing, this.queue, this.composer);
    const header = el("header", { class: "fd-header" }, this.logo, el("div", { class: "fd-heading" }, this.title, this.status), this.closeButton);
    setAttr(this.panel, "aria-labelledby", "fd-title");
    this.panel.append(header, this.notice, this.chat, this.prechat.node, this.offline.node, this.offlineSent);
    this.panel.addEventListener("keydown", (ev) => this.onKey(ev));
    this.root.append(this.panel, this.launcher);
    ctx.shadow.append(this.root);
  }

  private buildComposer(): HTMLElement {
    const label = el("label", { for: "fd-input", class: "fd-sr" });
    const form = el("form", { class: "fd-composer" }, label, this.fileButton, this.fileInput, this.emojiButton, this.input, this.sendButton);
    for (const e of EMOJI) {
      this.emojiPicker.append(button({ class: "fd-emoji-item", "aria-label": e }, () => this.insert(e), e));
    }
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
    this.fileInput.addEventListener("change", () => {
      const file = this.fileInput.files?.[0];
      if (file) this.actions.attach(file);
      this.fileInput.value = "";
    });
    return el("div", { class: "fd-compose" }, this.emojiPicker, this.fileNote, form);
  }

  private toggleEmoji(open = this.emojiPicker.hidden): void {
    this.emojiPicker.hidden = !open;
    setAttr(this.emojiButton, "aria-expanded", String(open));
    if (open) (this.emojiPicker.firstElementChild as HTMLElement | null)?.focus();
  }

  private insert(text: string): void {
    const { selectionStart: a, selectionEnd: b, value } = this.input;
    this.input.value = value.slice(0, a) + text + value.slice(b);
    this.input.selectionStart = this.input.selectionEnd = a + text.length;
    this.toggleEmoji(false);
    this.input.focus();
    this.actions.typed(this.input.value);
  }

  private submit(): void {
    if (this.actions.send(this.input.value)) this.input.value = "";
    this.input.focus();
  }

  /** Escape closes (and gives focus back to the launcher); Tab stays inside the dialog. */
  private onKey(ev: KeyboardEvent): void {
    if (ev.key === "Escape") {
      ev.stopPropagation();
      if (!this.emojiPicker.hidden) {
        this.toggleEmoji(false);
        this.emojiButton.focus();
      } else this.actions.close();
      return;
    }
    if (ev.key !== "Tab") return;
    const focusable = [...this.panel.querySelectorAll<HTMLElement>("button, textarea, input, a[href], [tabindex='0']")].filter(
      (n) => !(n as HTMLButtonElement).disabled && n.getClientRects().length > 0,
    );
    const first = focusable[0];
    const last = focusable.at(-1);
    const active = this.ctx.shadow.activeElement;
    if (ev.shiftKey && active === first) {
      ev.preventDefault();
      last?.focus();
    } else if (!ev.shiftKey && active === last) {
      ev.preventDefault();
      first?.focus();
    }
  }

  render(state: WidgetState): void {
    const t = state.strings;
    const look = state.look;
    const opening = state.open && !this.lastOpen;
    const closing = !state.open && this.lastOpen;
    this.lastOpen = state.open;
    this.applyLook(state);
    this.panel.hidden = !state.open;
    this.launcher.hidden = state.open;
    this.badge.hidden = state.unread === 0;
    setText(this.badge, String(state.unread));
    setAttr(this.launcher, "aria-label", state.unread > 0 ? fill(t.openChatUnread, { n: state.unread }) : t.openChat);
    setAttr(this.launcher, "aria-expanded", String(state.open));
    setAttr(this.closeButton, "aria-label", t.closeChat);
    setAttr(this.fileButton, "aria-label", t.attach);
    this.fileButton.hidden = !look.attachments.enabled;
    setAttr(this.fileInput, "accept", look.attachments.types.join(","));
    setAttr(this.emojiButton, "aria-label", t.emoji);
    setAttr(this.emojiPicker, "aria-label", t.emoji);
    setAttr(this.log, "aria-label", t.chat);
    setText(this.title, (!state.agentsOnline && look.awayTitle) || look.title || t.title);
    setText(this.status, statusText(state));
    this.notice.hidden = state.notice === null;
    setText(this.notice, state.notice ?? "");
    const away = look.away ?? (look.emailAvailable ? t.away : t.awayNoEmail);
    setText(this.greeting, state.agentsOnline ? look.greeting ?? t.greeting : away);
    setText(this.typing, state.typing === null ? "" : fill(t.typing, { name: look.showAgentNames ? state.typing.name : t.team }));
    setText(this.queue, queueText(state));
    setAttr(this.input, "placeholder", t.placeholder);
    setText(this.composer.querySelector("label")!, t.placeholder.replace(/[….]+$/, ""));
    setText(this.sendButton, t.send);
    setText(this.fileNote, state.fileNote ?? "");
    this.input.maxLength = state.bodyMaxChars;

    const stage = stageOf(state);
    this.chat.hidden = stage !== "chat";
    this.prechat.node.hidden = stage !== "prechat";
    this.offline.node.hidden = stage !== "offline";
    this.offlineSent.hidden = stage !== "offline-sent";
    const prefill = { name: state.contact.name, email: state.contact.email ?? "" };
    this.prechat.update(t, t.prechatIntro, prechatFields(look.prechat.fields), t.startChat, prefill);
    this.offline.update(t, away, offlineFields(t), t.leaveMessage, prefill);
    setText(this.offlineSent, look.emailAvailable ? t.thanks : t.thanksNoEmail);
    this.renderMessages(state, opening);

    const stageChanged = stage !== this.lastStage;
    this.lastStage = stage;
    if (state.open && (opening || stageChanged)) this.focusStage(stage);
    if (closing) this.launcher.focus();
  }

  private focusStage(stage: string): void {
    if (stage === "prechat") this.prechat.focus();
    else if (stage === "offline") this.offline.focus();
    else if (stage === "offline-sent") this.offlineSent.focus();
    else this.input.focus();
  }

  private applyLook(state: WidgetState): void {
    const look = state.look;
    const dark = look.theme === "dark" || (look.theme === "auto" && matchMedia("(prefers-color-scheme: dark)").matches);
    this.root.classList.toggle("fd-dark", dark);
    this.root.classList.toggle("fd-left", look.position === "left");
    setAttr(this.root, "dir", directionOf(state.locale));
    setAttr(this.root, "lang", state.locale);
    // Custom properties on the host element: page rules on #frontdesk-widget still win.
    const vars: Record<string, string> = {
      "--fd-primary": look.color,
      "--fd-on-primary": textOn(look.color),
      "--fd-x": `${look.offsetX}px`,
      "--fd-y": `${look.offsetY}px`,
    };
    const rule = `:host{${Object.entries(vars).map(([k, v]) => `${k}:${v}`).join(";")}}`;
    if (rule !== this.varsRule) {
      this.varsRule = rule;
      this.vars.replaceSync(rule);
    }
    const logo = look.logoUrl === null ? null : new URL(look.logoUrl, this.ctx.base).href;
    this.logo.hidden = logo === null;
    if (logo !== null && this.logo.getAttribute("src") !== logo) this.logo.src = logo;
  }

  private renderMessages(state: WidgetState, forceBottom: boolean): void {
    const log = this.log;
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < STICK_TO_BOTTOM_PX;
    const seen = new Set<string>();
    // Nodes are moved only when out of place: a live region re-announces moved nodes.
    let after: Element = this.greeting;
    const place = (node: Element): void => {
      if (after.nextElementSibling !== node) after.after(node);
      after = node;
    };
    for (const message of state.thread.messages) {
      const key = message.client_ref ?? message.id;
      seen.add(key);
      place(this.item(key, (node) => updateMessage(node, message, state, this.ctx.base)));
    }
    for (const pending of state.thread.pending) {
      seen.add(pending.client_ref);
      place(this.item(pending.client_ref, (node) => updatePending(node, pending, state)));
    }
    for (const [key, node] of this.items) {
      if (seen.has(key)) continue;
      node.remove();
      this.items.delete(key);
    }
    for (const note of state.localNotes) {
      let node = this.notes.get(note.id);
      if (node === undefined) {
        node = el("p", { class: "fd-local-note" }, note.body);
        this.notes.set(note.id, node);
      }
      place(node);
    }
    const ended = endedConversation(state);
    if (ended !== null) {
      const info = state.conversations[ended]!;
      this.endCard.update(state.strings, {
        ratingEnabled: state.look.ratingEnabled,
        rating: info.rating,
        transcriptEnabled: state.look.transcriptEnabled,
        email: state.contact.email,
      });
      place(this.endCard.node);
    } else this.endCard.node.remove();
    if (forceBottom || atBottom) log.scrollTop = log.scrollHeight;
  }

  /** The element for `key`, created once and updated on every render. */
  private item(key: string, update: (node: HTMLElement) => void): HTMLElement {
    let node = this.items.get(key);
    if (node === undefined) {
      node = messageNode();
      this.items.set(key, node);
    }
    update(node);
    return node;
  }
}

/** "You are number 2 in line · about 10 min", or nothing when the chat does not wait. */
function queueText({ queue: q, strings: t }: WidgetState): string {
  if (q === null) return "";
  const m = Math.ceil(q.estimated_wait_seconds / 60);
  return fill(q.estimated_wait_seconds < 60 ? t.queueSoon : t.queue, { n: q.position, m });
}

function statusText(state: WidgetState): string {
  const t = state.strings;
  if (state.connection === "offline") return t.reconnecting;
  if (state.connection === "connecting" || state.connection === "syncing") return t.connecting;
  return state.agentsOnline ? t.online : state.look.emailAvailable ? t.offline : t.offlineNoEmail;
}
