/** The console's REST calls (docs/api.md). The session cookie goes along (same origin). */
import type { AgentSummary, AttachmentData, Conversation } from "../shared/events.gen";
import { requestJson } from "../shared/http";

export interface Agent extends AgentSummary {
  email?: string;
  role?: string;
  /** Two-factor authentication is on for this agent. */
  two_factor?: boolean;
}

/** A website as `GET /websites` returns it: settings with every default filled in. */
export interface Website {
  id: string;
  name: string;
  url: string;
  widget_key: string;
  settings: Record<string, unknown>;
  identity_verification: boolean;
  snippet: string;
  /** The team that takes chats no routing rule sends elsewhere. */
  default_team_id?: string | null;
}

export interface Me {
  agent: Agent;
  workspace: { id: string; name: string; require_two_factor?: boolean };
  websites: Website[];
}

export interface WebsitePatch {
  name?: string;
  settings?: Record<string, unknown>;
}

/** A call to `/api/v1{path}`; resources.ts uses it too. */
export function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  return requestJson<T>(`/api/v1${path}`, { ...init, credentials: "same-origin" });
}

const id = encodeURIComponent;

export const api = {
  me: () => call<Me>("/me"),
  logout: () => call<undefined>("/auth/logout", { method: "POST" }),
  conversation: (conversationId: string) => call<Conversation>(`/conversations/${id(conversationId)}`),
  updateConversation: (conversationId: string, change: { status?: Conversation["status"]; assignee_id?: string | null }) =>
    call<Conversation>(`/conversations/${id(conversationId)}`, { method: "PATCH", body: JSON.stringify(change) }),
  websites: () => call<{ items: Website[] }>("/websites").then((page) => page.items),
  updateWebsite: (websiteId: string, patch: WebsitePatch) =>
    call<Website>(`/websites/${id(websiteId)}`, { method: "PATCH", body: JSON.stringify(patch) }),
  rotateIdentitySecret: (websiteId: string) =>
    call<{ identity_secret: string }>(`/websites/${id(websiteId)}/identity-secret`, { method: "POST" }),
  /** `POST /attachments` as multipart; the browser sets the boundary. */
  uploadAttachment: (file: File) => {
    const form = new FormData();
    form.append("file", file, file.name);
    return call<AttachmentData>("/attachments", { method: "POST", body: form });
  },
};
