/**
 * REST calls (docs/api.md) behind the visitor sidebar, live visitors, search, the
 * supervisor view and the admin settings. The inbox's own calls are in api.ts.
 */
import type { Conversation, Message, PageViewData } from "../shared/events.gen";
import { call } from "./api";

export type Role = "owner" | "admin" | "supervisor" | "agent";
export type AgentStatus = "online" | "away" | "offline";

/** A contact as `GET /contacts/{id}` returns it. */
export interface Contact {
  id: string;
  website_id: string;
  name: string;
  email: string | null;
  phone: string | null;
  external_id: string | null;
  custom_attributes: Record<string, unknown>;
  /** What the browser said: browser, os, device, language, time_zone, screen… */
  device: Record<string, unknown>;
  status_lines: string[];
  blocked: boolean;
  created_at: string;
  last_seen_at: string;
}

export interface ContactPatch {
  name?: string;
  email?: string | null;
  phone?: string | null;
  custom_attributes?: Record<string, unknown>;
}

export interface LiveVisitor {
  contact: Contact;
  current_page: PageViewData;
  visit_started_at: string;
  page_views: number;
}

/** An agent with their load, as `GET /agents` lists them. */
export interface AgentRow {
  id: string;
  name: string;
  email: string;
  role: Role;
  status: AgentStatus;
  max_chats: number;
  open_chats: number;
  all_teams: boolean;
  active: boolean;
}

export interface AgentPatch {
  max_chats?: number;
  role?: Role;
  all_teams?: boolean;
  active?: boolean;
}

export interface Invitation {
  id: string;
  email: string;
  role: Role;
  created_at: string;
  expires_at: string;
}

export interface NewInvitation extends Invitation {
  /** The link; shown once. */
  url: string;
}

export interface InvitationPreview {
  email: string;
  role: Role;
  workspace: string;
}

export type Strategy = "round_robin" | "least_busy" | "manual";
export type Weekday = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";

/** docs/routing.md: wall-clock hours in the team's zone; null means always open. */
export interface BusinessHours {
  time_zone: string;
  weekly: Partial<Record<Weekday, [string, string][]>>;
  holidays: string[];
}

export interface Team {
  id: string;
  name: string;
  strategy: Strategy;
  business_hours: BusinessHours | null;
  reassign_after_seconds: number | null;
  member_ids: string[];
}

export type TeamInput = Partial<Omit<Team, "id">>;

export interface Condition {
  field: string;
  op: "contains" | "equals" | "regex";
  value: string;
}

export interface RoutingRule {
  id: string;
  name: string;
  position: number;
  team_id: string;
  conditions: Condition[];
  enabled: boolean;
}

export type RuleInput = Omit<RoutingRule, "id" | "position">;

export interface CannedResponse {
  id: string;
  shortcut: string;
  body: string;
  shared: boolean;
}

export type CannedInput = Omit<CannedResponse, "id">;

export interface ApiToken {
  id: string;
  name: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
}

export interface NewApiToken extends ApiToken {
  /** The secret; shown once. */
  token: string;
}

export interface SearchQuery {
  q: string;
  status?: string;
  assignee_id?: string;
  label?: string;
  /** ISO dates (UTC). */
  since?: string;
  until?: string;
}

export interface SearchResults {
  messages: { message: Message; conversation: Conversation }[];
  contacts: Contact[];
}

const id = encodeURIComponent;
const json = (method: string, body: unknown): RequestInit => ({ method, body: JSON.stringify(body) });

/** A query string of the filled-in fields only. */
export function queryOf(fields: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) if (value !== undefined && value !== "") params.set(key, value);
  return params.toString();
}

export const resources = {
  contact: (contactId: string) => call<Contact>(`/contacts/${id(contactId)}`),
  updateContact: (contactId: string, patch: ContactPatch) => call<Contact>(`/contacts/${id(contactId)}`, json("PATCH", patch)),
  pageViews: (contactId: string) =>
    call<{ items: PageViewData[] }>(`/contacts/${id(contactId)}/page-views`).then((r) => r.items),
  contactConversations: (contactId: string) =>
    call<{ items: Conversation[] }>(`/contacts/${id(contactId)}/conversations`).then((r) => r.items),
  startChat: (contactId: string, body: string, clientRef: string) =>
    call<Message>(`/contacts/${id(contactId)}/conversations`, json("POST", { body, client_ref: clientRef })),
  liveVisitors: () => call<{ items: LiveVisitor[] }>("/visitors/live").then((r) => r.items),
  search: (query: SearchQuery) => call<SearchResults>(`/search?${queryOf({ ...query })}`),
  openConversations: () => call<{ items: Conversation[] }>("/conversations?status=open&limit=100").then((r) => r.items),

  agents: () => call<{ items: AgentRow[] }>("/agents").then((r) => r.items),
  updateAgent: (agentId: string, patch: AgentPatch) => call<AgentRow>(`/agents/${id(agentId)}`, json("PATCH", patch)),
  invitations: () => call<{ items: Invitation[] }>("/invitations").then((r) => r.items),
  invite: (email: string, role: Role) => call<NewInvitation>("/invitations", json("POST", { email, role })),
  revokeInvitation: (invitationId: string) => call<undefined>(`/invitations/${id(invitationId)}`, { method: "DELETE" }),
  previewInvitation: (token: string) => call<InvitationPreview>(`/invite/${id(token)}`),
  acceptInvitation: (token: string, name: string, password: string) =>
    call<unknown>(`/invite/${id(token)}`, json("POST", { name, password })),

  teams: () => call<{ items: Team[] }>("/teams").then((r) => r.items),
  createTeam: (team: TeamInput) => call<Team>("/teams", json("POST", team)),
  updateTeam: (teamId: string, team: TeamInput) => call<Team>(`/teams/${id(teamId)}`, json("PATCH", team)),
  deleteTeam: (teamId: string) => call<undefined>(`/teams/${id(teamId)}`, { method: "DELETE" }),
  setDefaultTeam: (websiteId: string, teamId: string) =>
    call<{ default_team_id: string | null }>(`/websites/${id(websiteId)}`, json("PATCH", { default_team_id: teamId })),

  rules: () => call<{ items: RoutingRule[] }>("/routing-rules").then((r) => r.items),
  createRule: (rule: RuleInput) => call<RoutingRule>("/routing-rules", json("POST", rule)),
  updateRule: (ruleId: string, rule: RuleInput) => call<RoutingRule>(`/routing-rules/${id(ruleId)}`, json("PUT", rule)),
  deleteRule: (ruleId: string) => call<undefined>(`/routing-rules/${id(ruleId)}`, { method: "DELETE" }),
  reorderRules: (ruleIds: string[]) => call<undefined>("/routing-rules-order", json("PUT", { rule_ids: ruleIds })),

  canned: () => call<{ items: CannedResponse[] }>("/canned-responses").then((r) => r.items),
  createCanned: (input: CannedInput) => call<CannedResponse>("/canned-responses", json("POST", input)),
  updateCanned: (cannedId: string, input: CannedInput) =>
    call<CannedResponse>(`/canned-responses/${id(cannedId)}`, json("PUT", input)),
  deleteCanned: (cannedId: string) => call<undefined>(`/canned-responses/${id(cannedId)}`, { method: "DELETE" }),

  tokens: () => call<{ items: ApiToken[] }>("/tokens").then((r) => r.items),
  createToken: (name: string) => call<NewApiToken>("/tokens", json("POST", { name })),
  revokeToken: (tokenId: string) => call<undefined>(`/tokens/${id(tokenId)}`, { method: "DELETE" }),
};
