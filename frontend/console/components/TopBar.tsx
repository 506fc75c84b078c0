import type { ConnectionState } from "../../shared/client";
import { useConsole, useSession } from "../hooks";

const CONNECTION_LABELS: Record<ConnectionState, string> = {
  connecting: "Connecting…",
  syncing: "Connecting…",
  online: "Live",
  offline: "Reconnecting…",
  stopped: "Offline",
};

export function TopBar() {
  const session = useSession();
  const me = useConsole((s) => s.me);
  const connection = useConsole((s) => s.connection);
  return (
    <header class="topbar">
      <span class="brand">Frontdesk</span>
      <span class="muted">{me?.workspace.name}</span>
      <span class="spacer" />
      <span class="connection" data-state={connection}>
        {CONNECTION_LABELS[connection]}
      </span>
      <span class="agent-name">{me?.agent.name}</span>
      <button type="button" class="ghost" onClick={() => void session.logout()}>
        Log out
      </button>
    </header>
  );
}
