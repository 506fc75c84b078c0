import { useState } from "preact/hooks";
import { useConsole } from "../../hooks";
import { isAdmin } from "../../state";
import { WebsiteSettings } from "./WebsiteSettings";

/** /console/settings: each website's widget, for owners and admins. */
export function SettingsPage() {
  const me = useConsole((s) => s.me);
  const websites = useConsole((s) => s.websites);
  const [chosen, setChosen] = useState<string | null>(null);

  if (!isAdmin(me)) {
    return (
      <main class="settings-page">
        <div class="card empty-state" role="alert">
          <h2>You don't have permission to change settings</h2>
          <p class="muted">Only owners and admins can change the widget. Ask one of them for access.</p>
        </div>
      </main>
    );
  }
  const website = websites.find((w) => w.id === chosen) ?? websites[0];
  return (
    <main class="settings-page" aria-labelledby="settings-title">
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
    </main>
  );
}
