import type { Conversation, Message } from "../../shared/events.gen";
import { formatTime } from "../format";
import { useSession } from "../hooks";
import { isUnread } from "../state";

interface Props {
  conversation: Conversation;
  selected: boolean;
}

export function ConversationItem({ conversation: c, selected }: Props) {
  const session = useSession();
  const last = c.last_message;
  const preview = last === null ? "No messages yet" : (last.private ? "Note: " : "") + summary(last);
  return (
    <li>
      <button
        type="button"
        class="conversation-item"
        data-conversation-id={c.id}
        data-unread={isUnread(c) ? "true" : undefined}
        aria-current={selected ? "true" : undefined}
        onClick={() => void session.select(c.id)}
      >
        <span class="item-top">
          <span class="contact-name">{c.contact.name}</span>
          <time class="muted" dateTime={c.last_activity_at}>
            {formatTime(c.last_activity_at)}
          </time>
        </span>
        <span class="preview">{preview}</span>
        <span class="item-meta muted">{c.assignee === null ? "Unassigned" : c.assignee.name}</span>
      </button>
    </li>
  );
}

/** The body, or the files when a message is only files. */
function summary(m: Message): string {
  if (m.body !== "" || (m.attachments ?? []).length === 0) return m.body;
  return `📎 ${m.attachments.map((a) => a.name).join(", ")}`;
}
