/**
 * Inbox views: which conversations a folder (Mine, Unassigned, All, a team, a label) and
 * a status show, the REST query that pages through them, and the list on screen.
 *
 * The server pages newest activity first (GET /conversations, a keyset cursor). The list
 * on screen is every known conversation that matches the view, down to the oldest one
 * loaded so far: live events keep the known ones current, so what is newer than that
 * boundary is complete, and what is older appears when the next page loads.
 */
import type { Conversation } from "../../shared/events.gen";

export type Folder =
  | { kind: "mine" }
  | { kind: "unassigned" }
  | { kind: "all" }
  | { kind: "team"; id: string }
  | { kind: "label"; label: string };

/** "snoozed" is not a status of its own: pending, with a time to open again. */
export type StatusFilter = "open" | "pending" | "resolved" | "snoozed";
export const STATUS_FILTERS: readonly StatusFilter[] = ["open", "pending", "snoozed", "resolved"];

export interface InboxView {
  folder: Folder;
  status: StatusFilter;
}

export const DEFAULT_VIEW: InboxView = { folder: { kind: "all" }, status: "open" };

/** Unread conversations per view for one status (GET /conversations/unread-counts). */
export interface UnreadCounts {
  mine: number;
  unassigned: number;
  all: number;
  teams: Record<string, number>;
  labels: Record<string, number>;
}
export type UnreadByStatus = Partial<Record<StatusFilter, UnreadCounts>>;

export function folderKey(folder: Folder): string {
  if (folder.kind === "team") return `team:${folder.id}`;
  if (folder.kind === "label") return `label:${folder.label}`;
  return folder.kind;
}

export function viewKey(view: InboxView): string {
  return `${folderKey(view.folder)}|${view.status}`;
}

/** The query string of GET /conversations for one page of the view. */
export function viewQuery(view: InboxView, limit: number, cursor: string | null): string {
  const params = new URLSearchParams({ status: view.status, limit: String(limit) });
  const f = view.folder;
  if (f.kind === "mine") params.set("assignee", "me");
  if (f.kind === "unassigned") params.set("assignee", "none");
  if (f.kind === "team") params.set("team", f.id);
  if (f.kind === "label") params.set("label", f.label);
  if (cursor !== null) params.set("cursor", cursor);
  return params.toString();
}

export function statusMatches(status: StatusFilter, c: Conversation): boolean {
  if (status === "snoozed") return c.status === "pending" && Boolean(c.snoozed_until);
  return c.status === status;
}

export function folderMatches(folder: Folder, c: Conversation, meId: string): boolean {
  switch (folder.kind) {
    case "mine":
      return c.assignee?.id === meId;
    case "unassigned":
      return c.assignee === null;
    case "all":
      return true;
    case "team":
      return c.team_id === folder.id;
    case "label":
      return (c.labels ?? []).includes(folder.label);
  }
}

export function matches(view: InboxView, c: Conversation, meId: string): boolean {
  return statusMatches(view.status, c) && folderMatches(view.folder, c, meId);
}

export function byActivity(a: Conversation, b: Conversation): number {
  if (a.last_activity_at !== b.last_activity_at) return a.last_activity_at < b.last_activity_at ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0; // the server's tie-break: id, descending
}

export interface ListOptions {
  meId: string;
  /** Activity time of the oldest row loaded while more pages remain; null: all loaded. */
  boundary: string | null;
  /** The open conversation stays in the list even when it stops matching (e.g. resolved). */
  keepId: string | null;
}

export function listFor(
  conversations: Readonly<Record<string, Conversation>>,
  view: InboxView,
  { meId, boundary, keepId }: ListOptions,
): Conversation[] {
  return Object.values(conversations)
    .filter((c) => c.id === keepId || (matches(view, c, meId) && (boundary === null || c.last_activity_at >= boundary)))
    .sort(byActivity);
}

/** The badge of a folder under the current status. */
export function unreadIn(counts: UnreadByStatus, status: StatusFilter, folder: Folder): number {
  const c = counts[status];
  if (c === undefined) return 0;
  if (folder.kind === "team") return c.teams[folder.id] ?? 0;
  if (folder.kind === "label") return c.labels[folder.label] ?? 0;
  return c[folder.kind];
}

/** Labels worth a folder: those on known conversations and those with unread chats. */
export function knownLabels(conversations: Readonly<Record<string, Conversation>>, counts: UnreadByStatus): string[] {
  const labels = new Set<string>();
  for (const c of Object.values(conversations)) for (const l of c.labels ?? []) labels.add(l);
  for (const byStatus of Object.values(counts)) for (const l of Object.keys(byStatus?.labels ?? {})) labels.add(l);
  return [...labels].sort();
}
