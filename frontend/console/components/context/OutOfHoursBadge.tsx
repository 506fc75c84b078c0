import type { Conversation } from "../../../shared/events.gen";
import { t } from "../../strings";

/** Marks a chat that arrived outside its team's business hours (docs/routing.md). */
export function OutOfHoursBadge({ conversation }: { conversation: Pick<Conversation, "out_of_hours"> }) {
  if (conversation.out_of_hours !== true) return null;
  return (
    <span class="badge out-of-hours" title={t.outOfHours.hint}>
      {t.outOfHours.badge}
    </span>
  );
}
