import { useConsole } from "../hooks";
import { ConversationView } from "./ConversationView";
import { Inbox } from "./Inbox";
import { LoginScreen } from "./LoginScreen";
import { Notice } from "./Notice";
import { TopBar } from "./TopBar";

export function App() {
  const auth = useConsole((s) => s.auth);
  if (auth === "loading") return <p class="loading">Loading…</p>;
  if (auth === "anonymous") return <LoginScreen />;
  return (
    <div class="shell">
      <TopBar />
      <Notice />
      <div class="workspace">
        <Inbox />
        <ConversationView />
      </div>
    </div>
  );
}
