import { useMemo } from "preact/hooks";
import { useConsole, useSession } from "../hooks";
import { AGENT_STATUSES, isAgentStatus, type AgentStatus } from "../inbox/status";
import { t } from "../strings";
import { Popover } from "./Popover";
import { StatusDot } from "./StatusDot";

/** The top bar's right side: the agent's status, teammates, alerts and the shortcuts list. */
export function AgentTools() {
  const session = useSession();
  const meId = useConsole((s) => s.me?.agent.id ?? "");
  const status = useConsole((s) => s.agents?.[meId]?.status);
  const autoAway = useConsole((s) => s.inbox.autoAway);
  const offer = useConsole((s) => s.inbox.notifyOffer);
  return (
    <div class="agent-tools">
      {offer && (
        <button type="button" class="link" onClick={() => void session.inbox.enableNotifications()}>
          {t.status.notifyOffer}
        </button>
      )}
      <TeamPanel meId={meId} />
      <label class="status-select">
        {isAgentStatus(status) && <StatusDot status={status} />}
        <span class="sr-only">{t.status.label}</span>
        <select
          aria-label={t.status.label}
          value={status ?? "online"}
          onChange={(e) => void session.inbox.setMyStatus(e.currentTarget.value as AgentStatus)}
        >
          {AGENT_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s === "away" && autoAway ? t.status.auto : t.status.names[s]}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        class="icon-button"
        aria-label={t.shortcuts.button}
        title={t.shortcuts.button}
        onClick={() => session.store.update((s) => ({ ...s, inbox: { ...s.inbox, shortcutsOpen: true } }))}
      >
        ?
      </button>
    </div>
  );
}

/** Teammates with their status, online first. */
function TeamPanel({ meId }: { meId: string }) {
  const session = useSession();
  const agents = useConsole((s) => s.agents);
  const rank = { online: 0, away: 1, offline: 2 } as const;
  const people = useMemo(
    () => Object.values(agents ?? {}).filter((a) => a.active).sort((a, b) => rank[a.status] - rank[b.status] || a.name.localeCompare(b.name)),
    [agents],
  );
  const online = people.filter((a) => a.status === "online").length;
  return (
    <Popover label={`${t.status.team} · ${online}`} title={t.status.teamTitle} buttonClass="ghost small">
      {() => (
        <div class="team-panel">
          <ul class="choice-list" aria-label={t.status.teamTitle}>
            {people.map((a) => (
              <li key={a.id} class="teammate" data-agent-id={a.id} data-status={a.status}>
                {isAgentStatus(a.status) && <StatusDot status={a.status} />}
                <span class="choice-name">
                  {a.name}
                  {a.id === meId && <span class="muted"> ({t.status.you})</span>}
                </span>
                <span class="muted">{t.status.names[a.status]}</span>
              </li>
            ))}
          </ul>
          <label class="checkbox">
            <input type="checkbox" defaultChecked={session.inbox.alerts.soundOn()} onChange={(e) => session.inbox.alerts.setSound(e.currentTarget.checked)} />
            {t.status.sound}
          </label>
        </div>
      )}
    </Popover>
  );
}
