import { useConsole } from "../hooks";
import { Composer } from "./Composer";
import { ConversationHeader } from "./ConversationHeader";
import { MessageLog } from "./MessageLog";

export function ConversationView() {
  const selectedId = useConsole((s) => s.selectedId);
  const conversation = useConsole((s) => (s.selectedId === null ? undefined : s.conversations[s.selectedId]));
  const thread = useConsole((s) => (s.selectedId === null ? undefined : s.threads[s.selectedId]));
  const typing = useConsole((s) => (s.selectedId === null ? undefined : s.typing[s.selectedId]));

  if (selectedId === null) {
    return (
      <section class="conversation placeholder">
        <p class="muted">Select a conversation to read and reply.</p>
      </section>
    );
  }
  return (
    <section class="conversation" aria-label="Conversation">
      {conversation !== undefined && <ConversationHeader conversation={conversation} />}
      <MessageLog thread={thread} />
      <p class="typing" aria-live="polite">
        {typing === undefined ? "" : `${typing.name} is typing…`}
      </p>
      <Composer conversationId={selectedId} key={selectedId} />
    </section>
  );
}
