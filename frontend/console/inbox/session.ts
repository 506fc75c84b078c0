/**
 * What the inbox does: loading views page by page, unread badges, scroll-back, the
 * conversation actions, canned responses, the agent's status (with auto-away) and the
 * alerts. ConsoleSession owns one and forwards the socket events it cares about.
 */
import type { Conversation, MentionCreated, Message } from "../../shared/events.gen";
import { addMessages } from "../../shared/thread";
import type { Me } from "../api";
import { loadAgents } from "../contextActions";
import type { ConsoleStore } from "../state";
import { t } from "../strings";
import { Alerts, alertsForMessage, alertsForNewChat, titleWith } from "./alerts";
import { HISTORY_PAGE, inboxApi, type ConversationChange } from "./api";
import { Drafts } from "./drafts";
import { ACTIVITY_EVENTS, afterIdleChange, IDLE_CHECK_MS, IdleWatcher } from "./idle";
import { emptyListing, hasOlderThan, INITIAL_INBOX, patchInbox, receivePage, setHistory } from "./state";
import type { AgentStatus } from "./status";
import { loadView, saveView } from "./viewStore";
import { listFor, viewKey, viewQuery, type InboxView } from "./views";

/** Rows per page: about two screens, so the first paint is quick and scrolling rarely waits. */
export const PAGE_SIZE = 50;
/** Badge refreshes wait this long after an event, so a burst of events costs one request. */
const UNREAD_DEBOUNCE_MS = 800;

export interface InboxHost {
  store: ConsoleStore;
  notify: (error: unknown) => void;
  select: (id: string | null) => Promise<void>;
}

export class InboxSession {
  readonly alerts: Alerts;
  drafts: Drafts = new Drafts("nobody", null);
  private idle: IdleWatcher | null = null;
  private idleTimer: ReturnType<typeof setInterval> | undefined;
  private unreadTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly baseTitle = document.title || "Frontdesk";
  private readonly onActivity = () => this.idle?.activity();

  constructor(private readonly host: InboxHost) {
    this.alerts = new Alerts((id) => void host.select(id));
    host.store.subscribe(() => this.showTitle());
  }

  private get store(): ConsoleStore {
    return this.host.store;
  }

  private meId(): string {
    return this.store.get().me?.agent.id ?? "";
  }

  /** After login: the saved view, badges, teams, canned responses, teammates; idle watching. */
  async start(me: Me): Promise<void> {
    this.drafts = new Drafts(me.agent.id);
    const view = loadView(me.agent.id);
    this.store.update((s) => patchInbox(s, { ...INITIAL_INBOX, view, listing: emptyListing(view), notifyOffer: this.alerts.canOffer() }));
    this.watchIdle();
    void this.loadSideData();
    this.refreshUnread();
    await this.loadFirstPage();
  }

  stop(): void {
    clearInterval(this.idleTimer);
    clearTimeout(this.unreadTimer);
    for (const name of ACTIVITY_EVENTS) window.removeEventListener(name, this.onActivity, true);
    this.idle = null;
    document.title = this.baseTitle;
  }

  private async loadSideData(): Promise<void> {
    const results = await Promise.allSettled([inboxApi.teams(), inboxApi.canned(), loadAgents(this.store)]);
    const [teams, canned] = results;
    this.store.update((s) =>
      patchInbox(s, {
        teams: teams.status === "fulfilled" ? teams.value : s.inbox.teams,
        canned: canned.status === "fulfilled" ? canned.value : s.inbox.canned,
      }),
    );
  }

  // ---- views and pages ----

  async setView(view: InboxView): Promise<void> {
    saveView(this.meId(), view);
    this.store.update((s) => patchInbox(s, { view, listing: emptyListing(view), highlightId: null }));
    await this.loadFirstPage();
  }

  async loadFirstPage(): Promise<void> {
    const { view } = this.store.get().inbox;
    this.store.update((s) => patchInbox(s, { listing: { ...emptyListing(view), loading: true } }));
    await this.fetchPage(view, null);
  }

  /** The next page of the view, when the list scrolls near its end. */
  async loadMore(): Promise<void> {
    const { view, listing } = this.store.get().inbox;
    if (listing.loading || listing.cursor === null) return;
    this.store.update((s) => patchInbox(s, { listing: { ...listing, loading: true } }));
    await this.fetchPage(view, listing.cursor);
  }

  private async fetchPage(view: InboxView, cursor: string | null): Promise<void> {
    const key = viewKey(view);
    try {
      const page = await inboxApi.page(viewQuery(view, PAGE_SIZE, cursor));
      this.store.update((s) => receivePage(s, key, page.items, page.next_cursor));
    } catch (error) {
      this.store.update((s) => (s.inbox.listing.key === key ? patchInbox(s, { listing: { ...s.inbox.listing, loading: false } }) : s));
      this.host.notify(error);
    }
  }

  /** The rows on screen, in order. */
  rows(): Conversation[] {
    const s = this.store.get();
    return listFor(s.conversations, s.inbox.view, { meId: this.meId(), boundary: s.inbox.listing.boundary, keepId: s.selectedId });
  }

  /** j/k: the highlight moves down (+1) or up (-1), starting from the open conversation. */
  moveHighlight(delta: number): void {
    const rows = this.rows();
    if (rows.length === 0) return;
    const s = this.store.get();
    const from = rows.findIndex((c) => c.id === (s.inbox.highlightId ?? s.selectedId));
    const to = from === -1 ? (delta > 0 ? 0 : rows.length - 1) : Math.min(rows.length - 1, Math.max(0, from + delta));
    this.store.update((st) => patchInbox(st, { highlightId: rows[to]?.id ?? null }));
    if (to >= rows.length - 5) void this.loadMore();
  }

  openHighlighted(): void {
    const id = this.store.get().inbox.highlightId;
    if (id !== null) void this.host.select(id);
  }

  // ---- unread badges ----

  /** Asks for the badges again soon (debounced). */
  refreshUnread(): void {
    clearTimeout(this.unreadTimer);
    this.unreadTimer = setTimeout(() => {
      inboxApi.unread().then(
        (unread) => this.store.update((s) => patchInbox(s, { unread })),
        () => undefined, // badges are a hint: the next event tries again
      );
    }, UNREAD_DEBOUNCE_MS);
  }

  private showTitle(): void {
    const s = this.store.get();
    if (s.auth !== "ready") return;
    const unread = s.inbox.unread.open;
    const count = unread === undefined ? 0 : unread.mine + unread.unassigned;
    const title = titleWith(this.baseTitle, count);
    if (document.title !== title) document.title = title;
  }

  // ---- socket events (forwarded by ConsoleSession) ----

  conversationCreated(c: Conversation): void {
    this.refreshUnread();
    if (!alertsForNewChat(c, this.meId())) return;
    this.alerts.fire({ title: t.alerts.newChat(c.contact.name), body: c.last_message?.body ?? "", conversationId: c.id });
  }

  messageCreated(m: Message): void {
    if (m.author.type === "visitor") this.refreshUnread();
    const s = this.store.get();
    const c = s.conversations[m.conversation_id];
    if (c === undefined) return;
    const context = { meId: this.meId(), selectedId: s.selectedId, hidden: document.visibilityState === "hidden" };
    if (alertsForMessage(c, m, context)) {
      this.alerts.fire({ title: t.alerts.message(c.contact.name), body: m.body, conversationId: c.id });
    }
  }

  mentioned({ conversation_id, message, by }: MentionCreated): void {
    this.alerts.fire({ title: t.alerts.mention(by.name), body: message.body, conversationId: conversation_id });
  }

  /** After a reconnect: the first page again (it may have changed meanwhile) and the badges. */
  resynced(): void {
    this.refreshUnread();
    void this.loadFirstPage();
  }

  // ---- history ----

  /** The newest page of a conversation's messages (ConsoleSession loads it on open). */
  async latest(id: string): Promise<Message[]> {
    const lastSeq = this.store.get().conversations[id]?.last_seq ?? 0;
    const items = await inboxApi.latest(id, lastSeq);
    this.store.update((s) => setHistory(s, id, { hasOlder: hasOlderThan(items, HISTORY_PAGE), loading: false }));
    return items;
  }

  async loadOlder(id: string): Promise<void> {
    const s = this.store.get();
    const history = s.inbox.history[id];
    const first = s.threads[id]?.messages.find((m) => m.conversation_id === id);
    if (history === undefined || !history.hasOlder || history.loading || first === undefined) return;
    this.store.update((st) => setHistory(st, id, { ...history, loading: true }));
    try {
      const items = await inboxApi.older(id, first.seq);
      this.store.update((st) => {
        const withHistory = setHistory(st, id, { hasOlder: hasOlderThan(items, HISTORY_PAGE), loading: false });
        const thread = st.threads[id];
        return thread === undefined ? withHistory : { ...withHistory, threads: { ...st.threads, [id]: addMessages(thread, items) } };
      });
    } catch (error) {
      this.store.update((st) => setHistory(st, id, { ...history, loading: false }));
      this.host.notify(error);
    }
  }

  // ---- conversation actions ----

  change(id: string, change: ConversationChange): Promise<boolean> {
    return inboxApi.change(id, change).then(
      (conversation) => {
        this.store.update((s) => ({ ...s, conversations: { ...s.conversations, [id]: conversation } }));
        this.refreshUnread();
        return true;
      },
      (error: unknown) => {
        this.host.notify(error);
        return false;
      },
    );
  }

  async setBlocked(contactId: string, blocked: boolean): Promise<boolean> {
    try {
      const contact = await inboxApi.block(contactId, blocked);
      this.store.update((s) => ({ ...s, contacts: { ...s.contacts, [contactId]: { ...s.contacts[contactId], ...contact } } }));
      return true;
    } catch (error) {
      this.host.notify(error);
      return false;
    }
  }

  /** Teams and teammates' load change elsewhere without events: the assign menu asks again. */
  async reloadTeamsAndAgents(): Promise<void> {
    const [teams] = await Promise.allSettled([inboxApi.teams(), loadAgents(this.store)]);
    if (teams.status === "fulfilled") this.store.update((s) => patchInbox(s, { teams: teams.value }));
  }

  async reloadCanned(): Promise<void> {
    const canned = await inboxApi.canned().catch(() => null);
    if (canned !== null) this.store.update((s) => patchInbox(s, { canned }));
  }

  // ---- the agent's status ----

  myStatus(): AgentStatus {
    const s = this.store.get();
    return s.agents?.[this.meId()]?.status ?? "online";
  }

  /** The agent chose a status (auto: the console did, after an idle time). */
  async setMyStatus(status: AgentStatus, { auto = false } = {}): Promise<void> {
    try {
      await inboxApi.setMyStatus(status);
      const meId = this.meId();
      this.store.update((s) => {
        const me = s.agents?.[meId];
        const agents = me === undefined || s.agents === null ? s.agents : { ...s.agents, [meId]: { ...me, status } };
        return patchInbox({ ...s, agents }, { autoAway: auto && status === "away" });
      });
    } catch (error) {
      this.host.notify(error);
    }
  }

  private watchIdle(): void {
    this.idle = new IdleWatcher((idle) => {
      const { send } = afterIdleChange(idle, { status: this.myStatus(), autoAway: this.store.get().inbox.autoAway });
      if (send !== null) void this.setMyStatus(send, { auto: send === "away" });
    });
    for (const name of ACTIVITY_EVENTS) window.addEventListener(name, this.onActivity, { capture: true, passive: true });
    clearInterval(this.idleTimer);
    this.idleTimer = setInterval(() => this.idle?.check(), IDLE_CHECK_MS);
  }

  // ---- alerts ----

  async enableNotifications(): Promise<void> {
    await this.alerts.ask();
    this.store.update((s) => patchInbox(s, { notifyOffer: false }));
  }
}
