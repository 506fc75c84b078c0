import { useConsole } from "../hooks";
import { t } from "../strings";
import { ConversationList } from "./ConversationList";
import { InboxViews } from "./InboxViews";
import { SetupChecklist } from "./SetupChecklist";

/** The left column: first steps, the view chooser and the conversations of the view. */
export function Inbox() {
  const status = useConsole((s) => s.inbox.view.status);
  return (
    <div class="inbox">
      <SetupChecklist />
      <InboxViews />
      <nav class="inbox-list" aria-labelledby="inbox-title">
        <h2 id="inbox-title">{t.inbox.heading(status)}</h2>
        <ConversationList />
      </nav>
    </div>
  );
}
