/**
 * The widget: a session over HTTP, history, then the visitor socket. Socket events reach
 * the store through one table of handlers; the view renders the store.
 */
import { backoffDelay } from "../shared/backoff";
import { ProtocolClient, type EventHandlers } from "../shared/client";
import type { Author, Message } from "../shared/events.gen";
import { ApiError, socketUrl } from "../shared/http";
import { addMessages, addPending, failPending, lastSeqOf } from "../shared/thread";
import { TYPING_SHOWN_MS, TypingNotifier } from "../shared/typing";
import { WidgetApi, type WidgetSession } from "./api";
import { createWidgetStore, DEFAULT_GREETING, DEFAULT_TITLE, type WidgetStore } from "./state";
import { WidgetView } from "./view";

/** A 4401 right after a fresh session means something else is wrong: stop asking. */
const MAX_SESSION_RENEWALS = 3;

export class Widget {
  private readonly store: WidgetStore = createWidgetStore();
  private readonly view: WidgetView;
  private readonly client: ProtocolClient;
  private session: WidgetSession | null = null;
  private readonly readSent = new Map<string, number>();
  private readonly typingNotifier = new TypingNotifier((id, state) => this.client.typing(id, state));
  private typingShown: ReturnType<typeof setTimeout> | undefined;
  private renewals = 0;

  constructor(private readonly api: WidgetApi) {
    this.view = new WidgetView({
      open: () => this.setOpen(true),
      close: () => this.setOpen(false),
      send: (body) => this.send(body),
      typed: (body) => this.typed(body),
    });
    // Made before the session exists, so a message typed meanwhile waits in its outbox.
    this.client = this.makeClient();
    this.store.subscribe((state) => {
      this.view.render(state);
      if (state.open) this.reportRead();
    });
  }

  mount(parent: HTMLElement): void {
    parent.append(this.view.host);
    this.view.render(this.store.get());
    if (readFlag(this.openKey)) this.setOpen(true);
    void this.start(0);
  }

  private get openKey(): string {
    return `frontdesk:${this.api.websiteKey}:open`;
  }

  private async start(attempt: number): Promise<void> {
    try {
      const session = await this.api.startSession();
      this.session = session;
      const histories = await Promise.all(session.conversations.map((c) => this.api.history(session.token, c.id)));
      this.applySession(session, histories.flat());
      this.connect();
    } catch (error) {
      const message = error instanceof ApiError ? error.message : "Chat is unavailable right now.";
      this.store.update((s) => ({ ...s, notice: message, connection: "offline" }));
      if (error instanceof ApiError && error.status >= 400 && error.status < 500) return; // e.g. a wrong website key
      setTimeout(() => void this.start(attempt + 1), backoffDelay(attempt));
    }
  }

  private applySession(session: WidgetSession, history: Message[]): void {
    const settings = session.website.settings;
    this.store.update((s) => ({
      ...s,
      thread: addMessages(s.thread, history),
      agentsOnline: session.agents_online,
      title: textSetting(settings["title"]) ?? DEFAULT_TITLE,
      greeting: textSetting(settings["greeting"]) ?? DEFAULT_GREETING,
      position: settings["position"] === "left" ? "left" : "right",
      notice: null,
    }));
    const color = settings["primary_color"];
    if (typeof color === "string" && /^#[0-9a-f]{3,8}$/i.test(color)) this.view.setPrimaryColor(color);
  }

  private makeClient(): ProtocolClient {
    return new ProtocolClient({
      url: socketUrl(this.api.baseUrl, "/ws/visitor"),
      token: () => this.session?.token,
      events: this.events,
      onAck: (ack) => this.addMessage(ack.message),
      onSendFailed: (ref, error) => this.store.update((s) => ({ ...s, thread: failPending(s.thread, ref, error.message) })),
      onState: (connection) => this.store.update((s) => ({ ...s, connection })),
      onWelcome: (welcome) => {
        const max = welcome.limits?.body_max_chars;
        if (max !== undefined) this.store.update((s) => ({ ...s, bodyMaxChars: max }));
      },
      onSynced: () => {
        this.renewals = 0;
        this.readSent.clear(); // a read sent on a dying socket may be lost
        if (this.store.get().open) this.reportRead();
      },
      onUnauthorized: () => void this.renew(),
    });
  }

  private connect(): void {
    for (const m of this.store.get().thread.messages) this.client.cursors.advance(m.conversation_id, m.seq);
    window.addEventListener("online", () => this.client.reconnectNow());
    this.client.start();
  }

  /** The events the visitor can receive, and what each does to the store. */
  private readonly events: EventHandlers = {
    "message.created": ({ message }) => this.addMessage(message),
    "typing.started": ({ author }) => this.showTyping(author),
    "typing.stopped": () => this.showTyping(null),
    "conversation.updated": () => undefined, // status changes arrive as system messages too
  };

  private addMessage(message: Message): void {
    const fromAgent = message.author.type !== "visitor" && message.author.type !== "system";
    this.store.update((s) => {
      const thread = addMessages(s.thread, [message]);
      if (thread === s.thread) return s;
      const unread = !s.open && fromAgent && thread.messages.length > s.thread.messages.length ? s.unread + 1 : s.unread;
      const typing = fromAgent && s.typing?.id === message.author.id ? null : s.typing;
      return { ...s, thread, unread, typing };
    });
  }

  private showTyping(author: Author | null): void {
    clearTimeout(this.typingShown);
    this.store.update((s) => ({ ...s, typing: author }));
    if (author !== null) this.typingShown = setTimeout(() => this.showTyping(null), TYPING_SHOWN_MS);
  }

  private setOpen(open: boolean): void {
    try {
      sessionStorage.setItem(this.openKey, open ? "1" : "0");
    } catch {
      // not remembered across pages; harmless
    }
    this.store.update((s) => (s.open === open ? s : { ...s, open, unread: open ? 0 : s.unread }));
    if (!open) this.stopTyping();
  }

  private send(text: string): boolean {
    const body = text.trim();
    if (body === "") return false;
    this.stopTyping();
    // No conversation_id: the server continues the visitor's open conversation or starts one.
    const clientRef = this.client.send(body);
    const pending = {
      client_ref: clientRef,
      conversation_id: null,
      body,
      private: false,
      created_at: new Date().toISOString(),
      state: "sending" as const,
    };
    this.store.update((s) => ({ ...s, thread: addPending(s.thread, pending) }));
    return true;
  }

  private typed(text: string): void {
    const conversationId = this.currentConversation();
    if (conversationId !== null) this.typingNotifier.typed(conversationId, text);
  }

  private stopTyping(): void {
    this.typingNotifier.stop();
  }

  /** The conversation of the latest message: the one the visitor is chatting in. */
  private currentConversation(): string | null {
    return this.store.get().thread.messages.at(-1)?.conversation_id ?? null;
  }

  private reportRead(): void {
    const client = this.client;
    const thread = this.store.get().thread;
    const conversations = new Set(thread.messages.map((m) => m.conversation_id));
    for (const id of conversations) {
      const seq = lastSeqOf(thread, id);
      if ((this.readSent.get(id) ?? 0) >= seq) continue;
      if (client.read(id, seq)) this.readSent.set(id, seq);
    }
  }

  /**
   * 4401: the token expired or was revoked. A new session gives a new token; the same
   * client reconnects with it, keeping its cursors and its unacknowledged messages.
   */
  private async renew(): Promise<void> {
    const unavailable = "Chat is unavailable right now. Please reload the page.";
    if (++this.renewals > MAX_SESSION_RENEWALS) {
      this.store.update((s) => ({ ...s, notice: unavailable }));
      return;
    }
    try {
      this.session = await this.api.startSession();
      this.client.start();
    } catch {
      this.store.update((s) => ({ ...s, notice: unavailable }));
    }
  }
}

function readFlag(key: string): boolean {
  try {
    return sessionStorage.getItem(key) === "1";
  } catch {
    return false;
  }
}

function textSetting(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}
