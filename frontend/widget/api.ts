/** The widget's HTTP calls (docs/api.md, "Widget (visitor) API"). */
import type { AttachmentData, ContactSummary, Message } from "../shared/events.gen";
import { ApiError, requestJson } from "../shared/http";
import { uuid7 } from "../shared/ids";
import { storageKey } from "./contract";

export interface ConversationBrief {
  id: string;
  status: string;
  last_seq: number;
  rating: number | null;
  agent_last_read_seq?: number;
}

export interface WidgetSession {
  token: string;
  contact: ContactSummary;
  website: { id: string; name: string; settings: Record<string, unknown> };
  conversations: ConversationBrief[];
  agents_online: boolean;
}

export interface Identity {
  name?: string;
  email?: string;
  phone?: string;
  external_id?: string;
  signature?: string;
  custom_attributes?: Record<string, unknown>;
  nickname?: string;
  status?: string[];
}

/** History loaded per conversation on start; the socket replays anything newer. */
const HISTORY_LIMIT = 200;

export class WidgetApi {
  /** The visitor token, once the session exists; every call below but startSession needs it. */
  token: string | undefined;

  constructor(
    readonly baseUrl: string,
    readonly websiteKey: string,
  ) {}

  /** The token survives reloads so a returning visitor keeps their conversations. */
  storedToken(): string | undefined {
    try {
      return localStorage.getItem(storageKey(this.websiteKey, "token")) ?? undefined;
    } catch {
      return undefined; // storage blocked (e.g. third-party iframe, privacy mode)
    }
  }

  keepToken(token: string): void {
    this.token = token;
    try {
      localStorage.setItem(storageKey(this.websiteKey, "token"), token);
    } catch {
      // the chat still works for this page view
    }
  }

  /** Frontdesk.reset(): the server ends every token of this visitor, and this browser forgets it. */
  async endSession(): Promise<void> {
    const token = this.token ?? this.storedToken();
    this.token = undefined;
    try {
      localStorage.removeItem(storageKey(this.websiteKey, "token"));
    } catch {
      // storage blocked: nothing was kept
    }
    if (token === undefined) return;
    const init = { method: "POST", headers: { Authorization: `Bearer ${token}` } };
    await requestJson<void>(this.url("/api/v1/widget/session/end"), init).catch(() => undefined); // already ended
  }

  async startSession(locale: string): Promise<WidgetSession> {
    const token = this.storedToken();
    let session: WidgetSession;
    try {
      session = await this.postSession(token, locale);
    } catch (error) {
      // A token from another server or an old secret: start over as a new visitor.
      if (!(error instanceof ApiError && error.status === 401 && token !== undefined)) throw error;
      session = await this.postSession(undefined, locale);
    }
    this.keepToken(session.token);
    return session;
  }

  private postSession(token: string | undefined, locale: string): Promise<WidgetSession> {
    const body: Record<string, string> = { website_key: this.websiteKey, locale };
    if (token !== undefined) body["token"] = token;
    return requestJson<WidgetSession>(this.url("/api/v1/widget/session"), { method: "POST", body: JSON.stringify(body) });
  }

  async history(conversationId: string): Promise<Message[]> {
    const path = `/conversations/${encodeURIComponent(conversationId)}/messages?after_seq=0&limit=${HISTORY_LIMIT}`;
    return (await this.get<{ items: Message[] }>(path)).items;
  }

  identify(identity: Identity): Promise<{ token: string; contact: ContactSummary }> {
    return this.post("/identify", identity);
  }

  activity(): Promise<void> {
    return this.post("/activity", pageView());
  }

  offlineMessage(form: { client_ref: string; name: string; email: string; body: string }): Promise<Message> {
    return this.post("/offline-messages", form);
  }

  sendMessage(frame: { client_ref: string; body: string; conversation_id?: string; attachment_ids?: string[] }): Promise<Message> {
    return this.post("/messages", frame);
  }

  rate(conversationId: string, score: number, comment: string): Promise<{ score: number; comment: string | null }> {
    return this.post(`/conversations/${encodeURIComponent(conversationId)}/rating`, { score, comment: comment || undefined });
  }

  transcript(conversationId: string, email: string): Promise<void> {
    return this.post(`/conversations/${encodeURIComponent(conversationId)}/transcript`, { email });
  }

  notify(body: string): Promise<void> {
    return this.post("/notify", { body });
  }

  siteMessage(body: string): Promise<Message> {
    return this.post("/site-messages", { client_ref: uuid7(), body });
  }

  typing(conversationId: string, state: "start" | "stop"): Promise<void> {
    return this.post("/typing", { conversation_id: conversationId, state });
  }

  read(conversationId: string, seq: number): Promise<void> {
    return this.post("/read", { conversation_id: conversationId, seq });
  }

  /** Multipart, so not through requestJson (which sends JSON). */
  async upload(file: File): Promise<AttachmentData> {
    const form = new FormData();
    form.append("file", file, file.name);
    let response: Response;
    try {
      response = await fetch(this.url("/api/v1/widget/attachments"), { method: "POST", headers: this.auth(), body: form });
    } catch {
      throw new ApiError(0, "network", "Cannot reach the server. Check your connection.");
    }
    const body = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
    if (!response.ok) throw new ApiError(response.status, body?.error?.code ?? "http", body?.error?.message ?? `The server answered ${response.status}.`);
    return body as unknown as AttachmentData;
  }

  url(path: string): string {
    return new URL(path, this.baseUrl).toString();
  }

  auth(): Record<string, string> {
    return this.token === undefined ? {} : { Authorization: `Bearer ${this.token}` };
  }

  private get<T>(path: string): Promise<T> {
    return requestJson<T>(this.url("/api/v1/widget" + path), { headers: this.auth() });
  }

  private post<T>(path: string, body: unknown): Promise<T> {
    return requestJson<T>(this.url("/api/v1/widget" + path), { method: "POST", headers: this.auth(), body: JSON.stringify(body) });
  }
}

/** One page view, as `POST /widget/activity` takes it. */
export function pageView(): Record<string, unknown> {
  return {
    url: location.href,
    title: document.title,
    referrer: document.referrer,
    language: navigator.language,
    time_zone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    screen: { width: screen.width, height: screen.height },
  };
}
