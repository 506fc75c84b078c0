/**
 * What the console does: logging in and out, the agent socket, and the user's actions.
 * Socket events reach the store through one table of handlers (`events`).
 */
import { ProtocolClient, type EventHandlers } from "../shared/client";
import type { AttachmentData, Author, Conversation } from "../shared/events.gen";
import { ApiError, socketUrl } from "../shared/http";
import { addMessages, addPending, failPending, lastSeqOf } from "../shared/thread";
import { TYPING_SHOWN_MS, TypingNotifier } from "../shared/typing";
import { account } from "./account";
import { api, type Website, type WebsitePatch } from "./api";
import { InboxSession } from "./inbox/session";
import { resources } from "./resources";
import * as route from "./route";
import {
  createConsoleStore,
  INITIAL_STATE,
  markRead,
  receiveMessage,
  updateContact,
  updateThread,
  updateWebsite,
  upsertConversations,
  type ConsoleStore,
} from "./state";
import { mergeContact, receivePageView, setAgentStatus } from "./visitorContext";

export class ConsoleSession {
  readonly store: ConsoleStore = createConsoleStore();
  /** Views, badges, history, conversation actions, status and alerts (inbox/session.ts). */
  readonly inbox = new InboxSession({ store: this.store, notify: (e) => this.notify(e), select: (id) => this.select(id) });
  private client: ProtocolClient | null = null;
  private readonly readSent = new Map<string, number>();
  private readonly pendingConversation = new Map<string, string>();
  private readonly typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly typingNotifier = new TypingNotifier((id, state) => this.client?.typing(id, state));
  private syncedBefore = false;

  constructor() {
    this.store.subscribe(() => this.reportRead());
    window.addEventListener("popstate", () => void this.navigate(route.current(), { push: false }));
    window.addEventListener("online", () => this.client?.reconnectNow());
    document.addEventListener("visibilitychange", () => this.reportRead());
  }

  /** On page load: already logged in (a valid cookie) or not. */
  async boot(): Promise<void> {
    const page = route.current().page;
    if (page === "invite" || page === "reset") {
      this.store.update((s) => ({ ...s, auth: "anonymous", page }));
      return;
    }
    try {
      await this.enter();
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) this.setAnonymous();
      else this.notify(error);
    }
  }

  /** Throws ApiError with the server's message when the login is refused. The server
   * may still want a code, or an enrolment, before the console opens (docs/api.md). */
  async login(email: string, password: string): Promise<void> {
    const { step } = await account.login(email, password);
    if (step === "done") return this.enter();
    this.store.update((s) => ({ ...s, auth: step === "two_factor" ? "two_factor" : "enrol" }));
  }

  /** Login's step two: a code from the app or a recovery code. Throws ApiError when wrong. */
  async submitCode(code: string): Promise<void> {
    await account.twoFactor(code);
    await this.enter();
  }

  /** After an enrolment the workspace required: the session is a full one now. */
  async finishEnrolment(): Promise<void> {
    await this.enter();
  }

  /** Leaves a half-done login or a reset page for the login form. */
  toLogin(): void {
    route.go({ page: "inbox", conversationId: null });
    this.setAnonymous();
  }

  /** An invitee sets their name and password; the server logs them in (docs/api.md). */
  async acceptInvitation(token: string, name: string, password: string): Promise<void> {
    await resources.acceptInvitation(token, name, password);
    route.go({ page: "inbox", conversationId: null });
    await this.enter();
  }

  async logout(): Promise<void> {
    this.typingNotifier.stop();
    try {
      await api.logout();
    } finally {
      this.setAnonymous();
    }
  }

  private async enter(): Promise<void> {
    const me = await api.me();
    this.store.update((s) => ({ ...s, auth: "ready", me, websites: me.websites, notice: null }));
    this.connect();
    await this.inbox.start(me);
    await this.navigate(route.current(), { push: false });
  }

  /** Shows what a URL names: the settings page, or the inbox with a conversation. */
  async navigate(to: route.Route, { push = true } = {}): Promise<void> {
    if (to.page === "settings") return this.openSettings({ push, section: to.section ?? null });
    if (to.page === "invite" || to.page === "reset") return;
    if (to.page !== "inbox") {
      this.typingNotifier.stop();
      this.store.update((s) => ({ ...s, page: to.page }));
      if (push) route.go(to);
      return;
    }
    this.store.update((s) => (s.page === "inbox" ? s : { ...s, page: "inbox" }));
    if (push) route.go(to);
    await this.select(to.conversationId, { push: false });
  }

  async openSettings({ push = true, section = null as string | null } = {}): Promise<void> {
    this.typingNotifier.stop();
    this.store.update((s) => ({ ...s, page: "settings", settingsSection: section }));
    if (push) route.go(section === null ? { page: "settings" } : { page: "settings", section });
    try {
      const websites = await api.websites();
      this.store.update((s) => ({ ...s, websites }));
    } catch (error) {
      this.notify(error);
    }
  }

  /** Throws ApiError (with `field`) when the server refuses a value: the form marks it. */
  async saveWebsite(id: string, patch: WebsitePatch): Promise<Website> {
    const website = await api.updateWebsite(id, patch);
    this.store.update((s) => updateWebsite(s, website));
    return website;
  }

  /** The new identity secret, shown once; verification is on from now. */
  async rotateIdentitySecret(id: string): Promise<string> {
    const { identity_secret } = await api.rotateIdentitySecret(id);
    const website = this.store.get().websites.find((w) => w.id === id);
    if (website !== undefined) this.store.update((s) => updateWebsite(s, { ...website, identity_verification: true }));
    return identity_secret;
  }

  uploadAttachment(file: File): Promise<AttachmentData> {
    return api.uploadAttachment(file);
  }

  private setAnonymous(): void {
    this.client?.stop();
    this.client = null;
    this.syncedBefore = false;
    this.readSent.clear();
    this.inbox.stop();
    this.store.update(() => ({ ...INITIAL_STATE, auth: "anonymous" }));
  }

  private connect(): void {
    this.client?.stop();
    const client = new ProtocolClient({
      url: socketUrl(location.href, "/ws/agent"),
      events: this.events,
      onAck: ({ client_ref, message }) =>
        this.store.update((s) => ({ ...receiveMessage(s, message), outgoingFiles: withoutKey(s.outgoingFiles, client_ref) })),
      onSendFailed: (ref, error) => {
        const id = this.pendingConversation.get(ref);
        if (id !== undefined) this.store.update((s) => updateThread(s, id, (t) => failPending(t, ref, error.message)));
      },
      onError: (error) => this.store.update((s) => ({ ...s, notice: error.message })),
      onState: (connection) => this.store.update((s) => ({ ...s, connection })),
      onSynced: () => this.onSynced(),
      onUnauthorized: () => this.setAnonymous(),
    });
    this.client = client;
    client.start();
  }

  /** The events an agent receives, and what each does to the store. */
  private readonly events: EventHandlers = {
    "conversation.created": ({ conversation }) => {
      this.store.update((s) => upsertConversations(s, [conversation]));
      this.inbox.conversationCreated(conversation);
    },
    "conversation.updated": ({ conversation }) => {
      this.store.update((s) => upsertConversations(s, [conversation]));
      this.inbox.refreshUnread();
    },
    "message.created": ({ message }) => {
      this.store.update((s) => receiveMessage(s, message));
      this.inbox.messageCreated(message);
      if (this.store.get().conversations[message.conversation_id] === undefined) {
        void this.fetchConversation(message.conversation_id);
      }
    },
    "conversation.read": ({ conversation_id, reader, seq }) => {
      this.store.update((s) => markRead(s, conversation_id, reader, seq));
      if (reader === "agent") this.inbox.refreshUnread();
    },
    "mention.created": (data) => this.inbox.mentioned(data),
    "typing.started": ({ conversation_id, author }) => this.showTyping(conversation_id, author),
    "typing.stopped": ({ conversation_id }) => this.showTyping(conversation_id, undefined),
    "contact.updated": ({ contact }) => this.store.update((s) => updateContact(mergeContact(s, contact), contact)),
    "contact.page_viewed": (data) => this.store.update((s) => receivePageView(s, data)),
    "agent.status_changed": (data) => this.store.update((s) => setAgentStatus(s, data)),
    "website.updated": ({ website }) => this.store.update((s) => updateWebsite(s, website)),
  };

  /** After a reconnect, conversations created meanwhile are only in the REST list. */
  private onSynced(): void {
    this.readSent.clear();
    this.reportRead();
    if (this.syncedBefore) this.inbox.resynced();
    this.syncedBefore = true;
  }

  private async fetchConversation(id: string): Promise<void> {
    const conversation = await api.conversation(id).catch(() => null);
    if (conversation !== null) this.store.update((s) => upsertConversations(s, [conversation]));
  }

  async select(id: string | null, { push = true } = {}): Promise<void> {
    if (this.store.get().page !== "inbox") this.store.update((s) => ({ ...s, page: "inbox" }));
    if (push) route.go({ page: "inbox", conversationId: id });
    if (id === this.store.get().selectedId) return;
    this.typingNotifier.stop();
    this.store.update((s) => ({ ...s, selectedId: id }));
    if (id !== null) await this.loadThread(id);
  }

  /**
   * A supervisor reads a chat without opening it: its thread loads and follows live,
   * but no read receipt goes out, so neither the visitor nor the agent notices.
   */
  async monitor(id: string): Promise<void> {
    await this.loadThread(id);
  }

  private async loadThread(id: string): Promise<void> {
    if (this.store.get().threads[id] !== undefined) return;
    // An empty thread first, so live messages that arrive while the history loads are kept.
    this.store.update((s) => updateThread(s, id, (t) => t));
    try {
      if (this.store.get().conversations[id] === undefined) await this.fetchConversation(id);
      const messages = await this.inbox.latest(id);
      this.store.update((s) => updateThread(s, id, (t) => addMessages(t, messages)));
      const thread = this.store.get().threads[id];
      if (thread !== undefined) this.client?.resume(id, lastSeqOf(thread, id));
    } catch (error) {
      this.store.update((s) => ({ ...s, threads: withoutKey(s.threads, id) }));
      this.notify(error);
    }
  }

  /** A reply or private note; the body may be empty when files go with it. */
  send(conversationId: string, text: string, isPrivate: boolean, files: readonly AttachmentData[] = []): boolean {
    const body = text.trim();
    if ((body === "" && files.length === 0) || this.client === null) return false;
    this.typingNotifier.stop();
    const attachmentIds = files.map((f) => f.id);
    const clientRef = this.client.send(body, { conversationId, private: isPrivate, attachmentIds });
    this.pendingConversation.set(clientRef, conversationId);
    if (files.length > 0) this.store.update((s) => ({ ...s, outgoingFiles: { ...s.outgoingFiles, [clientRef]: files } }));
    const pending = {
      client_ref: clientRef,
      conversation_id: conversationId,
      body,
      private: isPrivate,
      created_at: new Date().toISOString(),
      state: "sending" as const,
    };
    this.store.update((s) => updateThread(s, conversationId, (t) => addPending(t, pending)));
    return true;
  }

  typed(conversationId: string, text: string, isPrivate: boolean): void {
    // A visitor sees agents typing: don't announce a private note.
    if (isPrivate) this.typingNotifier.stop();
    else this.typingNotifier.typed(conversationId, text);
  }

  resolve(id: string): Promise<void> {
    return this.patch(id, { status: "resolved" });
  }

  reopen(id: string): Promise<void> {
    return this.patch(id, { status: "open" });
  }

  assignToMe(id: string): Promise<void> {
    const me = this.store.get().me;
    return me === null ? Promise.resolve() : this.patch(id, { assignee_id: me.agent.id });
  }

  dismissNotice(): void {
    this.store.update((s) => ({ ...s, notice: null }));
  }

  private async patch(id: string, change: Parameters<typeof api.updateConversation>[1]): Promise<void> {
    try {
      const conversation: Conversation = await api.updateConversation(id, change);
      this.store.update((s) => upsertConversations(s, [conversation]));
    } catch (error) {
      this.notify(error);
    }
  }

  private showTyping(conversationId: string, author: Author | undefined): void {
    if (author !== undefined && author.type === "agent" && author.id === this.store.get().me?.agent.id) return;
    clearTimeout(this.typingTimers.get(conversationId));
    this.store.update((s) => ({ ...s, typing: { ...s.typing, [conversationId]: author } }));
    if (author === undefined) return;
    this.typingTimers.set(conversationId, setTimeout(() => this.showTyping(conversationId, undefined), TYPING_SHOWN_MS));
  }

  /** Tells the server the agent has seen the open conversation up to its last seq. */
  private reportRead(): void {
    const { selectedId, threads } = this.store.get();
    const thread = selectedId === null ? undefined : threads[selectedId];
    if (selectedId === null || thread === undefined || document.visibilityState === "hidden") return;
    const seq = lastSeqOf(thread, selectedId);
    if (seq === 0 || (this.readSent.get(selectedId) ?? 0) >= seq) return;
    if (this.client?.read(selectedId, seq) !== true) return;
    this.readSent.set(selectedId, seq);
    this.store.update((s) => markRead(s, selectedId, "agent", seq));
  }

  private notify(error: unknown): void {
    const notice = error instanceof ApiError ? error.message : "Something went wrong. Please try again.";
    if (error instanceof ApiError && error.status === 401) return this.setAnonymous();
    this.store.update((s) => ({ ...s, notice }));
  }
}

function withoutKey<T>(record: Readonly<Record<string, T>>, key: string): Record<string, T> {
  const copy = { ...record };
  delete copy[key];
  return copy;
}
