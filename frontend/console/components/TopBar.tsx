import type { ConnectionState } from "../../shared/client";
import { useConsole, useSession } from "../hooks";
import { AgentTools } from "./AgentTools";
import { ContextNavLinks } from "./context/ContextNavLinks";

const CONNECTION_LABELS: Record<ConnectionState, string> = {
  connecting: "Connecting…",
  syncing: "Connecting…",
  online: "Live",
  offline: "Reconnecting…",
  stopped: "Offline",
};

/** A plain click navigates inside the app; a middle or modified click opens a new tab. */
function inApp(event: MouseEvent, go: () => void): void {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  go();
}

export function TopBar() {
  const session = useSession();
  const me = useConsole((s) => s.me);
  const page = useConsole((s) => s.page);
  const connection = useConsole((s) => s.connection);
  return (
    <header class="topbar">
      <span class="brand">Frontdesk</span>
      <span class="muted">{me?.workspace.name}</span>
      <nav class="topnav" aria-label="Main">
        <a
          href="/console"
          aria-current={page === "inbox" ? "page" : undefined}
          onClick={(e) => inApp(e, () => void session.navigate({ page: "inbox", conversationId: session.store.get().selectedId }))}
        >
          Inbox
        </a>
        <ContextNavLinks />
        {/* Everyone has settings: their own canned responses and API tokens. */}
        <a
          href="/console/settings"
          aria-current={page === "settings" ? "page" : undefined}
          onClick={(e) => inApp(e, () => void session.openSettings())}
        >
          Settings
        </a>
      </nav>
      <span class="spacer" />
      <AgentTools />
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
