/** The inbox view an agent last chose, kept in this browser so a reload keeps it. */
import { DEFAULT_VIEW, STATUS_FILTERS, type Folder, type InboxView } from "./views";

const key = (agentId: string) => `frontdesk.view.${agentId}`;

export function loadView(agentId: string): InboxView {
  try {
    const raw = JSON.parse(localStorage.getItem(key(agentId)) ?? "null") as Partial<InboxView> | null;
    if (raw === null || !isFolder(raw.folder) || !STATUS_FILTERS.includes(raw.status as never)) return DEFAULT_VIEW;
    return { folder: raw.folder, status: raw.status! };
  } catch {
    return DEFAULT_VIEW;
  }
}

export function saveView(agentId: string, view: InboxView): void {
  try {
    localStorage.setItem(key(agentId), JSON.stringify(view));
  } catch {
    // not kept: the default view after a reload
  }
}

function isFolder(f: unknown): f is Folder {
  const folder = f as Folder | null;
  if (folder === null || typeof folder !== "object") return false;
  if (folder.kind === "team") return typeof folder.id === "string";
  if (folder.kind === "label") return typeof folder.label === "string";
  return folder.kind === "mine" || folder.kind === "unassigned" || folder.kind === "all";
}
