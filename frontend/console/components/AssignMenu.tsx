import { useEffect, useMemo, useState } from "preact/hooks";
import type { Conversation } from "../../shared/events.gen";
import { useConsole, useSession } from "../hooks";
import { isAgentStatus } from "../inbox/status";
import { t } from "../strings";
import { Popover } from "./Popover";
import { StatusDot } from "./StatusDot";

/** Assign to an agent or transfer to a team, with an optional note for the team. */
export function AssignMenu({ conversation: c }: { conversation: Conversation }) {
  return (
    <Popover label={t.actions.assign} title={t.actions.assignTitle}>
      {(close) => <AssignPanel conversation={c} close={close} />}
    </Popover>
  );
}

function AssignPanel({ conversation: c, close }: { conversation: Conversation; close: () => void }) {
  const session = useSession();
  const agents = useConsole((s) => s.agents);
  const teams = useConsole((s) => s.inbox.teams);
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);
  useEffect(() => void session.inbox.reloadTeamsAndAgents(), []);
  const rank = { online: 0, away: 1, offline: 2 } as const;
  const people = useMemo(
    () =>
      Object.values(agents ?? {})
        .filter((a) => a.active)
        .sort((a, b) => rank[a.status] - rank[b.status] || a.name.localeCompare(b.name)),
    [agents],
  );

  async function apply(change: { assignee_id?: string | null; team_id?: string }) {
    setBusy(true);
    const ok = await session.inbox.change(c.id, { ...change, ...(note.trim() ? { note: note.trim() } : {}) });
    setBusy(false);
    if (ok) close();
  }

  return (
    <div class="assign-panel">
      <label class="field-label" for="assign-note">
        {t.actions.note}
      </label>
      <textarea id="assign-note" rows={2} placeholder={t.actions.notePlaceholder} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      <h3>{t.actions.agents}</h3>
      <ul class="choice-list" aria-label={t.actions.agents}>
        {people.map((a) => (
          <li key={a.id}>
            <button type="button" class="choice" disabled={busy || c.assignee?.id === a.id} onClick={() => void apply({ assignee_id: a.id })}>
              {isAgentStatus(a.status) && <StatusDot status={a.status} />}
              <span class="choice-name">{a.name}</span>
              <span class="muted">
                {a.open_chats}/{a.max_chats}
              </span>
            </button>
          </li>
        ))}
      </ul>
      {teams.length > 0 && (
        <>
          <h3>{t.actions.teams}</h3>
          <ul class="choice-list" aria-label={t.actions.teams}>
            {teams.map((team) => (
              <li key={team.id}>
                <button type="button" class="choice" disabled={busy || c.team_id === team.id} onClick={() => void apply({ team_id: team.id })}>
                  <span class="choice-name">{team.name}</span>
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      {c.assignee !== null && (
        <button type="button" class="link" disabled={busy} onClick={() => void apply({ assignee_id: null })}>
          {t.actions.unassign}
        </button>
      )}
    </div>
  );
}
