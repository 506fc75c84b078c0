import { useConsole } from "../hooks";
import { t } from "../strings";
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
        <p class="muted">{t.conversation.placeholder}</p>
      </section>
    );
  }
  return (
    <section class="conversation" aria-label="Conversation">
      {conversation !== undefined && <ConversationHeader conversation={conversation} />}
      <MessageLog thread={thread} conversation={conversation} />
      <p class="typing" aria-live="polite">
        {typing === undefined ? "" : t.conversation.typing(typing.name)}
      </p>
      {conversation !== undefined && <Composer conversation={conversation} key={selectedId} />}
    </section>
  );
}
