/**
 * The widget: a session over HTTP, history, then the visitor socket (or its HTTP
 * fallback). Socket events reach the store through one table of handlers; the view
 * renders the store; the page's API (api.ts calls, olark.ts) drives the public methods.
 */
import { backoffDelay } from "../shared/backoff";
import { ProtocolClient, type EventHandlers } from "../shared/client";
import type { Author, Message } from "../shared/events.gen";
import { ApiError, socketUrl } from "../shared/http";
import { EMPTY_THREAD, addMessages, addPending, failPending, lastSeqOf } from "../shared/thread";
import { TYPING_SHOWN_MS, TypingNotifier } from "../shared/typing";
import { WidgetApi, type ConversationBrief, type Identity, type WidgetSession } from "./api";
import { storageKey, type CachedLook, type LoaderContext } from "./contract";
import { formatBytes, typeAllowed } from "./format";
import { fill, pickLocale, stringsFor, type Strings } from "./i18n";
import { parseLook, type Look } from "./settings";
import { playChime } from "./sound";
import { createWidgetStore, currentConversation, type ConversationInfo, type WidgetState } from "./state";
import { transportFactory } from "./transport";
import { WidgetView } from "./view";
import type { FormValues } from "./forms";
import { uuid7 } from "../shared/ids";

/** A 4401 right after a fresh session means something else is wrong: stop asking. */
const MAX_SESSION_RENEWALS = 3;
const CONTACT_FIELDS = new Set(["name", "email", "phone"]);

type Hook = (data?: unknown) => void;

export class Widget {
  readonly store = createWidgetStore();
  readonly api: WidgetApi;
  private readonly view: WidgetView;
  private client: ProtocolClient;
  private session: WidgetSession | null = null;
  /** Resolves once the session exists: calls that need the token wait for it. */
  readonly ready: Promise<void>;
  private markReady!: () => void;
  private readonly readSent = new Map<string, number>();
  private readonly typingNotifier = new TypingNotifier((id, state) => this.client.typing(id, state));
  private typingShown: ReturnType<typeof setTimeout> | undefined;
  private renewals = 0;
  private settings: Record<string, unknown> = {};
  /** Set by the page (Frontdesk.setLocale, Olark's configure): they beat the website's settings. */
  private forcedLocale: string | null = null;
  lookOverrides: Partial<Look> = {};
  stringOverrides: Partial<Strings> = {};
  private readonly hooks: Record<string, Set<Hook>> = {};

  constructor(readonly ctx: LoaderContext) {
    this.api = new WidgetApi(ctx.base, ctx.key);
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    this.view = new WidgetView(ctx, {
      open: () => this.setOpen(true),
      close: () => this.setOpen(false),
      send: (body) => this.send(body),
      typed: (body) => this.typed(body),
      attach: (file) => void this.attach(file),
      prechat: (values) => this.submitPrechat(values),
      offline: (values) => this.submitOffline(values),
      rate: (score, comment) => this.rate(score, comment),
      transcript: (email) => this.transcript(email),
    });
    // Made before the session exists, so a message typed meanwhile waits in its outbox.
    this.client = this.makeClient();
    this.relocalize();
    this.store.subscribe((state) => this.onChange(state));
  }

  mount(): void {
    this.view.render(this.store.get());
    if (readStorage(sessionStorage, storageKey(this.ctx.key, "open")) === "1") this.setOpen(true);
    window.addEventListener("online", () => this.client.reconnectNow());
    void this.start(0);
  }

  // ---- the page's view of the widget (api.ts and olark.ts use these) ----

  /** Tells the page (Frontdesk.on) and the Olark shim's hooks. */
  emit(event: string, data?: unknown, page = true): void {
    if (page) this.ctx.emit(event, data);
    for (const hook of [...(this.hooks[event] ?? [])]) hook(data);
  }

  hook(event: string, cb: Hook): void {
    (this.hooks[event] ??= new Set()).add(cb);
  }

  get state(): WidgetState {
    return this.store.get();
  }

  setOpen(open: boolean): void {
    if (this.state.open === open) return;
    writeStorage(sessionStorage, storageKey(this.ctx.key, "open"), open ? "1" : "0");
    this.store.update((s) => ({ ...s, open, unread: open ? 0 : s.unread }));
    if (!open) this.typingNotifier.stop();
    this.emit(open ? "open" : "close");
  }

  setLocale(code: unknown): void {
    if (typeof code !== "string" || code.trim() === "") throw new TypeError("setLocale expects a language code such as 'fr'");
    this.forcedLocale = code;
    this.relocalize();
  }

  /** Lets the page restyle or reword the widget (Olark's configure); re-renders at once. */
  relocalize(): void {
    const locale = pickLocale([this.forcedLocale, this.settings["locale"] as string | undefined, document.documentElement.lang, navigator.language]);
    const look = { ...parseLook(this.settings), ...this.lookOverrides };
    this.store.update((s) => ({ ...s, locale, look, strings: { ...stringsFor(locale), ...this.stringOverrides } }));
  }

  /** One identify at a time, in call order: the last answer is the latest contact. */
  identify(identity: Identity): Promise<void> {
    const next = this.identifying.then(() => this.identifyNow(identity));
    this.identifying = next.catch(() => undefined);
    return next;
  }

  private identifying: Promise<void> = Promise.resolve();

  /** Resolves once the session exists and every identify made so far has been answered. */
  async settled(): Promise<void> {
    await this.ready;
    await this.identifying;
  }

  private async identifyNow(identity: Identity): Promise<void> {
    await this.ready;
    const result = await this.api.identify(identity);
    const before = this.session?.contact.id;
    this.api.keepToken(result.token);
    if (this.session !== null) this.session = { ...this.session, token: result.token, contact: result.contact };
    this.store.update((s) => ({
      ...s,
      contact: { name: result.contact.name, email: result.contact.email },
      introduced: s.introduced || Boolean(identity.email || identity.name || identity.external_id),
    }));
    // A verified external id joined an earlier contact: their history follows them here.
    if (before !== undefined && before !== result.contact.id) await this.restart();
  }

  /**
   * Frontdesk.reset(), for a site's logout: ends this visitor's session on the server (every
   * token of theirs stops working), forgets it here, and starts a new anonymous visitor.
   * In the identify queue, so `reset(); identify(next)` identifies the next person.
   */
  reset(): Promise<void> {
    const next = this.identifying.then(() => this.resetNow());
    this.identifying = next.catch(() => undefined);
    return next;
  }

  private async resetNow(): Promise<void> {
    this.client.stop();
    this.session = null;
    await this.api.endSession();
    for (const what of ["ongoing", "prechat"] as const) writeStorage(localStorage, storageKey(this.ctx.key, what), null);
    writeStorage(sessionStorage, storageKey(this.ctx.key, "open"), null);
    this.readSent.clear();
    this.store.update((s) => ({
      ...s,
      open: false,
      thread: EMPTY_THREAD,
      typing: null,
      unread: 0,
      conversations: {},
      introduced: false,
      offlineSent: false,
      localNotes: [],
      fileNote: null,
      contact: { name: "", email: null },
      queue: null,
    }));
    this.client = this.makeClient();
    await this.start(0);
    this.emit("reset");
  }

  /** Sends as the visitor (the composer, Frontdesk.sendMessage). False when empty. */
  send(text: string, attachmentIds: string[] = [], label?: string): boolean {
    const body = text.trim();
    if (body === "" && attachmentIds.length === 0) return false;
    this.typingNotifier.stop();
    // No conversation_id: the server continues the visitor's open conversation or starts one.
    const clientRef = this.client.send(body, { attachmentIds });
    const pending = {
      client_ref: clientRef,
      conversation_id: null,
      body: label ?? body,
      private: false,
      created_at: new Date().toISOString(),
      state: "sending" as const,
    };
    this.store.update((s) => ({ ...s, thread: addPending(s.thread, pending) }));
    return true;
  }

  /** A line shown in the chat only on this page (Olark's sendNotificationToVisitor). */
  localNote(body: string): void {
    const note = { id: crypto.randomUUID(), body, at: new Date().toISOString() };
    this.store.update((s) => ({ ...s, localNotes: [...s.localNotes, note] }));
  }

  // ---- session and socket ----

  private async start(attempt: number): Promise<void> {
    try {
      const session = await this.api.startSession(this.state.locale);
      this.session = session;
      const histories = await Promise.all(session.conversations.map((c) => this.api.history(c.id)));
      this.applySession(session, histories.flat());
      this.connect();
      this.markReady();
      if (!this.ctx.activitySent) {
        this.ctx.activitySent = true;
        this.api.activity().catch(() => undefined);
      }
    } catch (error) {
      const message = error instanceof ApiError && error.status !== 0 ? error.message : this.state.strings.unavailable;
      this.store.update((s) => ({ ...s, notice: message, connection: "offline" }));
      if (error instanceof ApiError && error.status >= 400 && error.status < 500) return; // e.g. a wrong website key
      setTimeout(() => void this.start(attempt + 1), backoffDelay(attempt));
    }
  }

  /** Another contact now (identify joined one): drop this one's chat and load theirs. */
  private async restart(): Promise<void> {
    this.client.stop();
    this.client = this.makeClient();
    this.store.update((s) => ({ ...s, thread: { messages: [], pending: [] }, conversations: {}, queue: null }));
    await this.start(0);
  }

  private applySession(session: WidgetSession, history: Message[]): void {
    this.settings = session.website.settings;
    const conversations: Record<string, ConversationInfo> = {};
    for (const c of session.conversations) conversations[c.id] = info(c);
    const introduced = readStorage(localStorage, storageKey(this.ctx.key, "prechat")) === "1" || session.contact.email !== null;
    this.store.update((s) => ({
      ...s,
      thread: addMessages(s.thread, history),
      agentsOnline: session.agents_online,
      conversations: { ...conversations, ...s.conversations },
      contact: { name: session.contact.name, email: session.contact.email },
      introduced: s.introduced || introduced,
      notice: null,
    }));
    this.relocalize();
  }

  private makeClient(): ProtocolClient {
    const remember = (http: boolean): void => writeStorage(sessionStorage, storageKey(this.ctx.key, "transport"), http ? "http" : "");
    const startHttp = readStorage(sessionStorage, storageKey(this.ctx.key, "transport")) === "http";
    return new ProtocolClient({
      url: socketUrl(this.api.baseUrl, "/ws/visitor"),
      token: () => this.session?.token,
      events: this.events,
      socketFactory: transportFactory(this.api, remember, startHttp),
      onAck: (ack) => {
        this.addMessage(ack.message, false);
        this.emit("message:sent", { message: ack.message });
      },
      onSendFailed: (ref, error) => this.store.update((s) => ({ ...s, thread: failPending(s.thread, ref, error.message) })),
      onState: (connection) => this.store.update((s) => ({ ...s, connection })),
      onWelcome: (welcome) => {
        const max = welcome.limits?.body_max_chars;
        if (max !== undefined) this.store.update((s) => ({ ...s, bodyMaxChars: max }));
      },
      onSynced: () => {
        this.renewals = 0;
        this.readSent.clear(); // a read sent on a dying socket may be lost
        if (this.state.open) this.reportRead();
      },
      onUnauthorized: () => void this.renew(),
    });
  }

  private connect(): void {
    for (const m of this.state.thread.messages) this.client.cursors.advance(m.conversation_id, m.seq);
    this.client.start();
  }

  /** The events the visitor can receive, and what each does to the store. */
  private readonly events: EventHandlers = {
    "message.created": ({ message }) => this.addMessage(message, true),
    "typing.started": ({ author }) => this.showTyping(author),
    "typing.stopped": () => this.showTyping(null),
    "conversation.updated": ({ conversation: c }) => {
      // An agent took the chat, or it ended: it no longer waits in the queue.
      if (c.assignee || c.status === "resolved") this.store.update((s) => (s.queue?.conversation_id === c.id ? { ...s, queue: null } : s));
      this.updateConversation(c.id, c.status, c.agent_last_read_seq);
    },
    "queue.updated": (queue) => this.store.update((s) => ({ ...s, queue })),
    "conversation.read": ({ conversation_id, reader, seq }) => {
      if (reader === "agent") this.updateConversation(conversation_id, undefined, seq);
    },
    "availability.changed": ({ agents_online }) => this.setAvailability(agents_online),
    "website.updated": ({ website }) => {
      this.settings = website.settings;
      this.relocalize();
    },
  };

  private setAvailability(online: boolean): void {
    if (this.state.agentsOnline === online) return;
    this.store.update((s) => ({ ...s, agentsOnline: online }));
    this.emit("availability", online, false);
  }

  private updateConversation(id: string, status: string | undefined, agentRead: number | undefined): void {
    const before = this.state.conversations[id];
    const next: ConversationInfo = {
      status: status ?? before?.status ?? "open",
      rating: before?.rating ?? null,
      agentRead: Math.max(before?.agentRead ?? 0, agentRead ?? 0),
    };
    this.store.update((s) => ({ ...s, conversations: { ...s.conversations, [id]: next } }));
    if (next.status === "resolved" && before?.status !== "resolved") this.emit("conversation:ended", { conversationId: id });
  }

  private addMessage(message: Message, live: boolean): void {
    const fromTeam = message.author.type === "agent" || message.author.type === "bot";
    const isNewConversation = this.state.conversations[message.conversation_id] === undefined;
    let added = false;
    this.store.update((s) => {
      const thread = addMessages(s.thread, [message]);
      if (thread === s.thread) return s;
      added = thread.messages.length > s.thread.messages.length;
      const unread = added && fromTeam && !s.open ? s.unread + 1 : s.unread;
      const typing = fromTeam && s.typing?.id === message.author.id ? null : s.typing;
      const conversations = isNewConversation
        ? { ...s.conversations, [message.conversation_id]: { status: "open", rating: null, agentRead: 0 } }
        : s.conversations;
      return { ...s, thread, unread, typing, conversations };
    });
    if (isNewConversation) this.emit("conversation:started", { conversationId: message.conversation_id });
    if (added && live && fromTeam) {
      this.emit("message:received", { message });
      if (!this.state.open || document.hidden) playChime();
    }
  }

  private showTyping(author: Author | null): void {
    clearTimeout(this.typingShown);
    this.store.update((s) => ({ ...s, typing: author }));
    if (author !== null) this.typingShown = setTimeout(() => this.showTyping(null), TYPING_SHOWN_MS);
  }

  private onChange(state: WidgetState): void {
    this.view.render(state);
    if (state.open) this.reportRead();
    const ongoing = Object.values(state.conversations).some((c) => c.status !== "resolved") || state.thread.pending.length > 0;
    writeStorage(localStorage, storageKey(this.ctx.key, "ongoing"), ongoing ? "1" : null);
    const look: CachedLook = { c: state.look.color, p: state.look.position, x: state.look.offsetX, y: state.look.offsetY };
    writeStorage(localStorage, storageKey(this.ctx.key, "look"), JSON.stringify(look));
  }

  private typed(text: string): void {
    const conversationId = currentConversation(this.state);
    if (conversationId !== null) this.typingNotifier.typed(conversationId, text);
  }

  private reportRead(): void {
    const thread = this.state.thread;
    const conversations = new Set(thread.messages.map((m) => m.conversation_id));
    for (const id of conversations) {
      const seq = lastSeqOf(thread, id);
      if ((this.readSent.get(id) ?? 0) >= seq) continue;
      if (this.client.read(id, seq)) this.readSent.set(id, seq);
    }
  }

  // ---- forms and files ----

  private async attach(file: File): Promise<void> {
    const t = this.state.strings;
    const rules = this.state.look.attachments;
    const note = (fileNote: string | null): void => this.store.update((s) => ({ ...s, fileNote }));
    if (!rules.enabled || !typeAllowed(rules.types, file)) return note(`${file.name}: ${t.fileType}`);
    if (file.size > rules.maxBytes) return note(`${file.name}: ${fill(t.fileSize, { size: formatBytes(rules.maxBytes) })}`);
    note(t.uploading);
    try {
      await this.ready;
      const attachment = await this.api.upload(file);
      note(null);
      this.send("", [attachment.id], `📎 ${file.name}`);
    } catch (error) {
      note(`${file.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async submitPrechat(values: FormValues): Promise<void> {
    const identity: Identity = {};
    const custom: Record<string, string> = {};
    for (const [name, value] of Object.entries(values)) {
      if (value === "") continue;
      if (CONTACT_FIELDS.has(name)) identity[name as "name" | "email" | "phone"] = value;
      else custom[name] = value;
    }
    if (Object.keys(custom).length > 0) identity.custom_attributes = custom;
    await this.identify(identity);
    writeStorage(localStorage, storageKey(this.ctx.key, "prechat"), "1");
    this.store.update((s) => ({ ...s, introduced: true }));
  }

  private async submitOffline(values: FormValues): Promise<void> {
    await this.ready;
    const message = await this.api.offlineMessage({
      client_ref: uuid7(),
      name: values["name"] ?? "",
      email: values["email"] ?? "",
      body: values["body"] ?? "",
    });
    this.store.update((s) => ({ ...s, offlineSent: true, contact: { name: values["name"] ?? s.contact.name, email: values["email"] ?? null } }));
    this.addMessage(message, false);
    this.emit("offline-message", { message }, false);
  }

  private async rate(score: number, comment: string): Promise<void> {
    const id = currentConversation(this.state);
    if (id === null) return;
    await this.api.rate(id, score, comment);
    this.store.update((s) => ({ ...s, conversations: { ...s.conversations, [id]: { ...s.conversations[id]!, rating: score } } }));
    this.emit("rating:submitted", { conversationId: id, score, comment });
  }

  private async transcript(email: string): Promise<void> {
    const id = currentConversation(this.state);
    if (id !== null) await this.api.transcript(id, email);
  }

  /**
   * 4401: the token expired or was revoked. A new session gives a new token; the same
   * client reconnects with it, keeping its cursors and its unacknowledged messages, unless
   * the session is another visitor's now (a reset elsewhere): then this tab starts afresh.
   */
  private async renew(): Promise<void> {
    const unavailable = this.state.strings.unavailable;
    if (++this.renewals > MAX_SESSION_RENEWALS) {
      this.store.update((s) => ({ ...s, notice: unavailable }));
      return;
    }
    try {
      const before = this.session?.contact.id;
      this.session = await this.api.startSession(this.state.locale);
      // Another tab's reset() (a logout) ended the session: this tab is a new visitor too,
      // and must not keep showing the previous person's chat.
      if (before !== undefined && before !== this.session.contact.id) return await this.restart();
      this.client.start();
    } catch {
      this.store.update((s) => ({ ...s, notice: unavailable }));
    }
  }
}

function info(c: ConversationBrief): ConversationInfo {
  return { status: c.status, rating: c.rating ?? null, agentRead: c.agent_last_read_seq ?? 0 };
}

function readStorage(storage: Storage, key: string): string | null {
  try {
    return storage.getItem(key);
  } catch {
    return null;
  }
}

function writeStorage(storage: Storage, key: string, value: string | null): void {
  try {
    if (value === null) storage.removeItem(key);
    else if (storage.getItem(key) !== value) storage.setItem(key, value);
  } catch {
    // storage blocked: only this page view remembers
  }
}
