import { useConsole } from "../hooks";
import { ConversationView } from "./ConversationView";
import { Inbox } from "./Inbox";
import { LoginScreen } from "./LoginScreen";
import { Notice } from "./Notice";
import { SettingsPage } from "./settings/SettingsPage";
import { TopBar } from "./TopBar";

export function App() {
  const auth = useConsole((s) => s.auth);
  const page = useConsole((s) => s.page);
  if (auth === "loading") return <p class="loading">Loading…</p>;
  if (auth === "anonymous") return <LoginScreen />;
  return (
    <div class="shell">
      <TopBar />
      <Notice />
      {page === "settings" ? (
        <SettingsPage />
      ) : (
        <div class="workspace">
          <Inbox />
          <ConversationView />
        </div>
      )}
    </div>
  );
}
