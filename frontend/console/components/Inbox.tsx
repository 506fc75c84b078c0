import { useMemo } from "preact/hooks";
import { useConsole } from "../hooks";
import { inbox } from "../state";
import { ConversationItem } from "./ConversationItem";
import { SetupChecklist } from "./SetupChecklist";

export function Inbox() {
  const conversations = useConsole((s) => s.conversations);
  const selectedId = useConsole((s) => s.selectedId);
  const items = useMemo(() => inbox(conversations, selectedId), [conversations, selectedId]);
  return (
    <div class="inbox">
      <SetupChecklist />
      <nav aria-labelledby="inbox-title">
        <h2 id="inbox-title">Open conversations</h2>
        {items.length === 0 ? (
          <p class="empty">No open conversations. New chats appear here as they start.</p>
        ) : (
          <ul aria-label="Conversations">
            {items.map((c) => (
              <ConversationItem key={c.id} conversation={c} selected={c.id === selectedId} />
            ))}
          </ul>
        )}
      </nav>
    </div>
  );
}
