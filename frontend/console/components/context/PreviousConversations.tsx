import type { Conversation } from "../../../shared/events.gen";
import { formatTime } from "../../format";
import { useSession } from "../../hooks";
import { t } from "../../strings";

/** The visitor's other chats (those this agent may see); each opens in the inbox. */
export function PreviousConversations({ items, currentId }: { items: readonly Conversation[]; currentId: string }) {
  const session = useSession();
  const others = items.filter((c) => c.id !== currentId);
  return (
    <section class="sidebar-section" aria-labelledby="sidebar-previous">
      <h3 id="sidebar-previous">{t.sidebar.previous}</h3>
      {others.length === 0 ? (
        <p class="muted">{t.sidebar.noPrevious}</p>
      ) : (
        <ul class="previous-list">
          {others.map((c) => (
            <li key={c.id}>
              <a
                href={`/console/conversations/${encodeURIComponent(c.id)}`}
                onClick={(e) => {
                  e.preventDefault();
                  void session.select(c.id);
                }}
              >
                <span>{c.last_message?.body || formatTime(c.created_at)}</span>
                <span class="muted">
                  {formatTime(c.last_activity_at)} · {t.search.statuses[c.status] ?? c.status}
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
