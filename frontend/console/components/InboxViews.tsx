import { useMemo } from "preact/hooks";
import { useConsole, useSession } from "../hooks";
import { t } from "../strings";
import { folderKey, knownLabels, STATUS_FILTERS, unreadIn, type Folder, type StatusFilter } from "../inbox/views";

const MAIN_FOLDERS: readonly Folder[] = [{ kind: "mine" }, { kind: "unassigned" }, { kind: "all" }];

/** Mine / Unassigned / All with unread badges, teams and labels, and the status. */
export function InboxViews() {
  const session = useSession();
  const view = useConsole((s) => s.inbox.view);
  const unread = useConsole((s) => s.inbox.unread);
  const teams = useConsole((s) => s.inbox.teams);
  const conversations = useConsole((s) => s.conversations);
  const labels = useMemo(() => knownLabels(conversations, unread), [conversations, unread]);
  const current = folderKey(view.folder);
  const setFolder = (folder: Folder) => void session.inbox.setView({ ...view, folder });
  const extra = (folder: Folder, name: string) => {
    const n = unreadIn(unread, view.status, folder);
    return (
      <option key={folderKey(folder)} value={folderKey(folder)}>
        {n > 0 ? `${name} (${n})` : name}
      </option>
    );
  };

  return (
    <div class="inbox-views" role="group" aria-label={t.inbox.folders}>
      <div class="folder-tabs">
        {MAIN_FOLDERS.map((folder) => {
          const n = unreadIn(unread, view.status, folder);
          return (
            <button
              key={folder.kind}
              type="button"
              class="folder-tab"
              data-folder={folder.kind}
              aria-pressed={current === folderKey(folder)}
              onClick={() => setFolder(folder)}
            >
              {t.inbox[folder.kind as "mine" | "unassigned" | "all"]}
              {n > 0 && (
                <span class="count" aria-label={t.inbox.unread(n)}>
                  {n}
                </span>
              )}
            </button>
          );
        })}
      </div>
      <div class="view-selects">
        <select
          aria-label={t.inbox.more}
          value={MAIN_FOLDERS.some((f) => folderKey(f) === current) ? "" : current}
          onChange={(e) => {
            const value = e.currentTarget.value;
            if (value.startsWith("team:")) setFolder({ kind: "team", id: value.slice(5) });
            else if (value.startsWith("label:")) setFolder({ kind: "label", label: value.slice(6) });
          }}
        >
          <option value="">{t.inbox.moreNone}</option>
          {teams.map((team) => extra({ kind: "team", id: team.id }, t.inbox.team(team.name)))}
          {labels.map((label) => extra({ kind: "label", label }, t.inbox.label(label)))}
        </select>
        <select
          aria-label={t.inbox.status}
          value={view.status}
          onChange={(e) => void session.inbox.setView({ ...view, status: e.currentTarget.value as StatusFilter })}
        >
          {STATUS_FILTERS.map((status) => (
            <option key={status} value={status}>
              {t.inbox.statuses[status]}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
