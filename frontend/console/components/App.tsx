import { useConsole } from "../hooks";
import { ResetPasswordPage } from "./account/ResetPasswordPage";
import { InvitePage } from "./admin/InvitePage";
import { ContextPage } from "./context/ContextPage";
import { VisitorSidebar } from "./context/VisitorSidebar";
import { ConversationView } from "./ConversationView";
import { Inbox } from "./Inbox";
import { KeyboardShortcuts } from "./KeyboardShortcuts";
import { LoginScreen } from "./LoginScreen";
import { Notice } from "./Notice";
import { SettingsPage } from "./settings/SettingsPage";
import { TopBar } from "./TopBar";
import { WebhookBanner } from "./webhooks/WebhookBanner";

export function App() {
  const auth = useConsole((s) => s.auth);
  const page = useConsole((s) => s.page);
  if (auth === "loading") return <p class="loading">Loading…</p>;
  if (auth === "anonymous" && page === "invite") return <InvitePage />;
  if (auth === "anonymous" && page === "reset") return <ResetPasswordPage />;
  if (auth !== "ready") return <LoginScreen />;
  return (
    <div class="shell">
      <TopBar />
      <Notice />
      <WebhookBanner />
      <KeyboardShortcuts />
      {page === "settings" ? (
        <SettingsPage />
      ) : page === "inbox" ? (
        <div class="workspace">
          <Inbox />
          <ConversationView />
          <VisitorSidebar />
        </div>
      ) : (
        <ContextPage page={page} />
      )}
    </div>
  );
}
