import type { AgentStatus } from "../inbox/status";
import { t } from "../strings";

/** A coloured dot with the status for screen readers (and as a tooltip). */
export function StatusDot({ status }: { status: AgentStatus }) {
  const name = t.status.names[status];
  return <span class="status-dot" data-status={status} title={name} role="img" aria-label={name} />;
}
