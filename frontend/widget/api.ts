/** The widget's HTTP calls (docs/api.md, "Widget (visitor) API"). */
import type { ContactSummary, Message } from "../shared/events.gen";
import { ApiError, requestJson } from "../shared/http";

export interface WidgetSession {
  token: string;
  contact: ContactSummary;
  website: { id: string; name: string; settings: Record<string, unknown> };
  conversations: { id: string; status: string; last_seq: number }[];
  agents_online: boolean;
}

/** History loaded per conversation on start; the socket replays anything newer. */
const HISTORY_LIMIT = 200;

export class WidgetApi {
  constructor(
    readonly baseUrl: string,
    readonly websiteKey: string,
  ) {}

  private get tokenKey(): string {
    return `frontdesk:${this.websiteKey}:token`;
  }

  /** The token survives reloads so a returning visitor keeps their conversations. */
  storedToken(): string | undefined {
    try {
      return localStorage.getItem(this.tokenKey) ?? undefined;
    } catch {
      return undefined; // storage blocked (e.g. third-party iframe, privacy mode)
    }
  }

  async startSession(): Promise<WidgetSession> {
    const token = this.storedToken();
    let session: WidgetSession;
    try {
      session = await this.postSession(token);
    } catch (error) {
      // A token from another server or an old secret: start over as a new visitor.
      if (!(error instanceof ApiError && error.status === 401 && token !== undefined)) throw error;
      session = await this.postSession(undefined);
    }
    try {
      localStorage.setItem(this.tokenKey, session.token);
    } catch {
      // the chat still works for this page view
    }
    return session;
  }

  private postSession(token: string | undefined): Promise<WidgetSession> {
    const body = token === undefined ? { website_key: this.websiteKey } : { website_key: this.websiteKey, token };
    return requestJson<WidgetSession>(this.url("/api/v1/widget/session"), {
      method: "POST",
      body: JSON.stringify(body),
    });
  }

  async history(token: string, conversationId: string): Promise<Message[]> {
    const path = `/api/v1/widget/conversations/${encodeURIComponent(conversationId)}/messages`;
    const page = await requestJson<{ items: Message[] }>(
      this.url(`${path}?after_seq=0&limit=${HISTORY_LIMIT}`),
      { headers: { Authorization: `Bearer ${token}` } },
    );
    return page.items;
  }

  url(path: string): string {
    return new URL(path, this.baseUrl).toString();
  }
}
