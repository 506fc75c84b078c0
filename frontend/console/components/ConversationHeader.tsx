import type { Conversation } from "../../shared/events.gen";
import { useSession } from "../hooks";

export function ConversationHeader({ conversation: c }: { conversation: Conversation }) {
  const session = useSession();
  return (
    <header class="conversation-header">
      <div>
        <h2>{c.contact.name}</h2>
        <p class="muted">
          {c.contact.email ?? "No email yet"} ·{" "}
          <span class="status" data-status={c.status}>
            {c.status}
          </span>{" "}
          · {c.assignee === null ? "Unassigned" : `Assigned to ${c.assignee.name}`}
        </p>
      </div>
      <div class="actions">
        <button type="button" class="ghost" onClick={() => void session.assignToMe(c.id)}>
          Assign to me
        </button>
        {c.status === "resolved" ? (
          <button type="button" class="ghost" onClick={() => void session.reopen(c.id)}>
            Reopen
          </button>
        ) : (
          <button type="button" class="primary" onClick={() => void session.resolve(c.id)}>
            Resolve
          </button>
        )}
      </div>
    </header>
  );
}
