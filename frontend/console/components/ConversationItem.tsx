import type { Conversation, Message } from "../../shared/events.gen";
import { formatTime } from "../format";
import { formatMoment } from "../inbox/time";
import { useConsole, useSession } from "../hooks";
import { isUnread } from "../state";
import { t } from "../strings";

/** Every row has this height (inbox.css says the same): the virtual list counts on it. */
export const ROW_HEIGHT = 84;

interface Props {
  conversation: Conversation;
  selected: boolean;
  highlighted: boolean;
}

export function ConversationItem({ conversation: c, selected, highlighted }: Props) {
  const session = useSession();
  const team = useConsole((s) => (c.team_id ? s.inbox.teams.find((x) => x.id === c.team_id)?.name : undefined));
  const last = c.last_message;
  const preview = last === null ? t.inbox.noMessages : (last.private ? t.inbox.notePrefix : "") + summary(last);
  const unread = isUnread(c) ? c.last_seq - c.agent_last_read_seq : 0;
  const meta = [
    c.assignee === null ? t.inbox.unassignedRow : c.assignee.name,
    team,
    c.out_of_hours === true ? t.outOfHours.badge : undefined,
    ...(c.labels ?? []),
  ].filter(Boolean);
  return (
    <li>
      <button
        type="button"
        class="conversation-item"
        data-conversation-id={c.id}
        data-unread={unread > 0 ? "true" : undefined}
        data-highlighted={highlighted ? "true" : undefined}
        data-priority={c.priority && c.priority !== "none" ? c.priority : undefined}
        aria-current={selected ? "true" : undefined}
        onClick={() => void session.select(c.id)}
      >
        <span class="item-top">
          <span class="contact-name">{c.contact.name}</span>
          <time class="muted" dateTime={c.last_activity_at}>
            {formatTime(c.last_activity_at)}
          </time>
        </span>
        <span class="item-middle">
          <span class="preview">{preview}</span>
          {unread > 0 && (
            <span class="unread-count" aria-label={t.inbox.unread(unread)}>
              {unread}
            </span>
          )}
        </span>
        <span class="item-meta muted">
          {c.priority && c.priority !== "none" && <span class="priority-tag">{t.actions.priorities[c.priority]}</span>}
          {c.snoozed_until ? t.inbox.snoozedUntil(formatMoment(c.snoozed_until)) + " · " : ""}
          {meta.join(" · ")}
        </span>
      </button>
    </li>
  );
}

/** The body, or the files when a message is only files. */
function summary(m: Message): string {
  if (m.body !== "" || (m.attachments ?? []).length === 0) return m.body;
  return `📎 ${m.attachments.map((a) => a.name).join(", ")}`;
}
