import { useState } from "preact/hooks";
import type { Me } from "../../api";
import { useConsole, useSession } from "../../hooks";
import { isAdmin } from "../../state";
import { t } from "../../strings";
import { SecuritySection } from "../account/SecuritySection";
import { AgentsSection } from "../admin/AgentsSection";
import { CannedSection } from "../admin/CannedSection";
import { RoutingSection } from "../admin/RoutingSection";
import { TeamsSection } from "../admin/TeamsSection";
import { TokensSection } from "../admin/TokensSection";
import { WebhooksSection } from "../webhooks/WebhooksSection";
import { WebsiteSettings } from "./WebsiteSettings";

/** What each role may change here (docs/permissions.md); the server checks it anyway. */
export function settingsSections(me: Me | null): string[] {
  const own = ["canned", "tokens", "security"];
  return isAdmin(me) ? ["websites", "agents", "teams", "routing", "webhooks", ...own] : own;
}

/** /console/settings[/{section}]: websites, agents, teams, routing, webhooks, canned responses, tokens, security. */
export function SettingsPage() {
  const session = useSession();
  const me = useConsole((s) => s.me);
  const wanted = useConsole((s) => s.settingsSection);
  const sections = settingsSections(me);
  const section = wanted !== null && sections.includes(wanted) ? wanted : sections[0]!;
  return (
    <main class="settings-page">
      <nav class="settings-nav" aria-label={t.settings.nav}>
        {sections.map((s) => (
          <a
            key={s}
            href={`/console/settings/${s}`}
            aria-current={s === section ? "page" : undefined}
            onClick={(e) => {
              e.preventDefault();
              void session.openSettings({ section: s });
            }}
          >
            {t.settings.sections[s]}
          </a>
        ))}
      </nav>
      {!isAdmin(me) && (
        <p class="muted settings-note" role="note">
          {t.settings.notAdmin}
        </p>
      )}
      {section === "websites" && <WebsitesSection />}
      {section === "agents" && <AgentsSection />}
      {section === "teams" && <TeamsSection />}
      {section === "routing" && <RoutingSection />}
      {section === "webhooks" && <WebhooksSection />}
      {section === "canned" && <CannedSection />}
      {section === "tokens" && <TokensSection />}
      {section === "security" && <SecuritySection />}
    </main>
  );
}

/** Each website's widget, for owners and admins. */
function WebsitesSection() {
  const websites = useConsole((s) => s.websites);
  const [chosen, setChosen] = useState<string | null>(null);
  const website = websites.find((w) => w.id === chosen) ?? websites[0];
  return (
    <div aria-labelledby="settings-title">
      <header class="settings-header">
        <div>
          <h2 id="settings-title">Widget settings</h2>
          <p class="muted">How the chat looks and behaves on your site.</p>
        </div>
        {websites.length > 1 && (
          <label class="website-picker">
            Website
            <select value={website?.id} onChange={(e) => setChosen(e.currentTarget.value)}>
              {websites.map((w) => (
                <option key={w.id} value={w.id}>
                  {w.name}
                </option>
              ))}
            </select>
          </label>
        )}
      </header>
      {website === undefined ? (
        <p class="muted">No website yet.</p>
      ) : (
        <WebsiteSettings key={website.id} website={website} />
      )}
    </div>
  );
}
