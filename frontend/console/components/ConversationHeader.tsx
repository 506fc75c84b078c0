import type { Conversation } from "../../shared/events.gen";
import { useConsole, useSession } from "../hooks";
import { formatMoment } from "../inbox/time";
import { t } from "../strings";
import { AssignMenu } from "./AssignMenu";
import { OutOfHoursBadge } from "./context/OutOfHoursBadge";
import { LabelsEditor } from "./LabelsEditor";
import { SnoozeMenu } from "./SnoozeMenu";

const PRIORITIES = ["none", "low", "medium", "high", "urgent"] as const;

export function ConversationHeader({ conversation: c }: { conversation: Conversation }) {
  const session = useSession();
  const meId = useConsole((s) => s.me?.agent.id);
  const team = useConsole((s) => (c.team_id ? s.inbox.teams.find((x) => x.id === c.team_id)?.name : undefined));
  const change = (patch: Parameters<typeof session.inbox.change>[1]) => void session.inbox.change(c.id, patch);
  return (
    <header class="conversation-header">
      <div class="conversation-title">
        <h2>
          {c.contact.name} <OutOfHoursBadge conversation={c} />
        </h2>
        <p class="muted">
          {c.contact.email ?? t.conversation.noEmail} ·{" "}
          <span class="status" data-status={c.status}>
            {c.status}
          </span>
          {c.snoozed_until ? ` (${t.inbox.snoozedUntil(formatMoment(c.snoozed_until))})` : ""} ·{" "}
          <span class="assignee">{c.assignee === null ? t.conversation.unassigned : t.conversation.assignedTo(c.assignee.name)}</span>
          {team !== undefined && <> · {team}</>}
        </p>
        <LabelsEditor conversation={c} />
      </div>
      <div class="actions" role="toolbar" aria-label={t.actions.toolbar}>
        {c.assignee?.id !== meId && (
          <button type="button" class="ghost small" onClick={() => change({ assignee_id: meId ?? null })}>
            {t.actions.assignToMe}
          </button>
        )}
        <AssignMenu conversation={c} />
        <select aria-label={t.actions.priority} value={c.priority ?? "none"} onChange={(e) => change({ priority: e.currentTarget.value })}>
          {PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {t.actions.priorities[p]}
            </option>
          ))}
        </select>
        {c.status !== "resolved" && c.status !== "pending" && (
          <button type="button" class="ghost small" onClick={() => change({ status: "pending" })}>
            {t.actions.pending}
          </button>
        )}
        {c.status !== "resolved" && <SnoozeMenu conversation={c} />}
        <BlockButton conversation={c} />
        {c.status === "resolved" || c.status === "pending" ? (
          <button type="button" class="ghost small" onClick={() => change({ status: "open" })}>
            {t.actions.reopen}
          </button>
        ) : (
          <button type="button" class="primary small" onClick={() => change({ status: "resolved" })}>
            {t.actions.resolve}
          </button>
        )}
      </div>
    </header>
  );
}

/** Blocks the visitor (their contact and last IP) from starting chats; asks first. */
function BlockButton({ conversation: c }: { conversation: Conversation }) {
  const session = useSession();
  const blocked = useConsole((s) => s.contacts[c.contact.id]?.blocked === true);
  async function toggle() {
    if (!blocked && !window.confirm(t.actions.blockConfirm(c.contact.name))) return;
    if (await session.inbox.setBlocked(c.contact.id, !blocked)) {
      session.store.update((s) => ({ ...s, notice: blocked ? t.actions.unblocked(c.contact.name) : t.actions.blocked(c.contact.name) }));
    }
  }
  return (
    <button type="button" class="ghost small danger-text" aria-pressed={blocked} onClick={() => void toggle()}>
      {blocked ? t.actions.unblock : t.actions.block}
    </button>
  );
}
