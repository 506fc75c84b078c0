import { useEffect, useState } from "preact/hooks";
import type { Conversation } from "../../../shared/events.gen";
import { loadAgents, messageOf } from "../../contextActions";
import { formatTime } from "../../format";
import { useConsole, useSession } from "../../hooks";
import type { AgentRow } from "../../resources";
import { t } from "../../strings";
import { loadList, loadShare } from "../../visitorContext";
import { MessageLog } from "../MessageLog";
import { OutOfHoursBadge } from "./OutOfHoursBadge";

/**
 * Status changes arrive live (agent.status_changed); open-chat counts change with every
 * assignment, which has no event of its own, so the load is re-read this often.
 */
const LOAD_REFRESH_MS = 5_000;

/** Owners, admins and supervisors supervise every chat (docs/permissions.md). */
const SUPERVISING_ROLES = new Set(["owner", "admin", "supervisor"]);

export function canSupervise(role: string | undefined): boolean {
  return role !== undefined && SUPERVISING_ROLES.has(role);
}

/** /console/supervisor: every live chat, each agent's load, monitor, whisper, take over. */
export function SupervisorPage() {
  const session = useSession();
  const role = useConsole((s) => s.me?.agent.role);
  const conversations = useConsole((s) => s.conversations);
  const agents = useConsole((s) => s.agents);
  const [watched, setWatched] = useState<string | null>(null);

  useEffect(() => {
    const refresh = () => loadAgents(session.store).catch(() => undefined);
    void refresh();
    const timer = setInterval(() => void refresh(), LOAD_REFRESH_MS);
    return () => clearInterval(timer);
  }, [session]);

  if (!canSupervise(role)) {
    return (
      <main class="context-page">
        <p class="muted" role="alert">
          {t.supervisor.forbidden}
        </p>
      </main>
    );
  }
  const live = Object.values(conversations)
    .filter((c) => c.status === "open")
    .sort((a, b) => b.last_activity_at.localeCompare(a.last_activity_at));
  return (
    <main class="context-page supervisor" aria-labelledby="supervisor-title">
      <header class="page-header">
        <h2 id="supervisor-title">{t.supervisor.title}</h2>
        <p class="muted">{t.supervisor.subtitle}</p>
      </header>
      <div class="supervisor-columns">
        <div>
          <AgentLoad agents={loadList(agents)} />
          <section aria-labelledby="live-chats">
            <h3 id="live-chats">{t.supervisor.chats}</h3>
            {live.length === 0 ? (
              <p class="muted">{t.supervisor.noChats}</p>
            ) : (
              <ul class="chat-list">
                {live.map((c) => (
                  <ChatRow key={c.id} conversation={c} watching={c.id === watched} watch={() => setWatched(c.id)} />
                ))}
              </ul>
            )}
          </section>
        </div>
        {watched !== null && conversations[watched] !== undefined && (
          <Monitor key={watched} conversation={conversations[watched]!} close={() => setWatched(null)} />
        )}
      </div>
    </main>
  );
}

function AgentLoad({ agents }: { agents: AgentRow[] }) {
  return (
    <section aria-labelledby="agent-load">
      <h3 id="agent-load">{t.supervisor.agents}</h3>
      <table class="load-table">
        <thead>
          <tr>
            <th scope="col">{t.supervisor.agents}</th>
            <th scope="col">{t.supervisor.status}</th>
            <th scope="col">{t.supervisor.load}</th>
          </tr>
        </thead>
        <tbody>
          {agents.map((a) => (
            <tr key={a.id} data-agent-id={a.id}>
              <th scope="row">{a.name}</th>
              <td>
                <span class="status-dot" data-status={a.status} /> {t.supervisor.statuses[a.status] ?? a.status}
              </td>
              <td class="load" data-testid="agent-load">
                <meter min={0} max={1} high={0.99} value={loadShare(a)} aria-hidden="true" />{" "}
                {t.supervisor.loadOf(a.open_chats, a.max_chats)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function ChatRow({ conversation: c, watching, watch }: { conversation: Conversation; watching: boolean; watch: () => void }) {
  return (
    <li class="chat-row" data-conversation-id={c.id} aria-current={watching ? "true" : undefined}>
      <div>
        <strong>{c.contact.name}</strong> <OutOfHoursBadge conversation={c} />
        <p class="muted preview">{c.last_message?.body ?? ""}</p>
      </div>
      <span class="muted">{c.assignee?.name ?? t.supervisor.unassigned}</span>
      <span class="muted">{formatTime(c.last_activity_at)}</span>
      <button type="button" class="ghost small" onClick={watch} disabled={watching}>
        {t.supervisor.monitor}
      </button>
    </li>
  );
}

/** Reads a chat without joining it; a whisper is a private note, never sent to the visitor. */
function Monitor({ conversation, close }: { conversation: Conversation; close: () => void }) {
  const session = useSession();
  const me = useConsole((s) => s.me);
  const thread = useConsole((s) => s.threads[conversation.id]);
  const [whisper, setWhisper] = useState("");
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void session.monitor(conversation.id);
  }, [session, conversation.id]);

  function send(event: Event) {
    event.preventDefault();
    if (session.send(conversation.id, whisper, true)) setWhisper("");
  }

  async function takeOver() {
    setError(null);
    try {
      await session.assignToMe(conversation.id);
    } catch (err) {
      setError(messageOf(err, t.common.failed));
    }
  }

  const mine = conversation.assignee?.id === me?.agent.id;
  return (
    <section class="monitor" aria-label={`${t.supervisor.monitor}: ${conversation.contact.name}`}>
      <header class="monitor-header">
        <div>
          <h3>{conversation.contact.name}</h3>
          <p class="muted">{mine ? t.supervisor.takenOver : t.supervisor.monitoring}</p>
        </div>
        <button type="button" class="primary small" onClick={() => void takeOver()} disabled={mine}>
          {t.supervisor.takeOver}
        </button>
        <button type="button" class="ghost small" onClick={close}>
          {t.supervisor.stopMonitoring}
        </button>
      </header>
      <MessageLog thread={thread} />
      <form class="whisper" onSubmit={send}>
        <label>
          {t.supervisor.whisper}
          <textarea
            rows={2}
            value={whisper}
            placeholder={t.supervisor.whisperPlaceholder}
            maxLength={10_000}
            onInput={(e) => setWhisper(e.currentTarget.value)}
          />
        </label>
        {error !== null && <p class="field-error" role="alert">{error}</p>}
        <button type="submit" class="ghost small" disabled={whisper.trim() === ""}>
          {t.supervisor.sendWhisper}
        </button>
      </form>
    </section>
  );
}
