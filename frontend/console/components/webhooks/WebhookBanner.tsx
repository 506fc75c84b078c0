import { useEffect, useState } from "preact/hooks";
import { useConsole, useSession } from "../../hooks";
import { isAdmin } from "../../state";
import { t } from "../../strings";
import { failingEndpoints, webhooks } from "../../webhooks";

/** For owners and admins: endpoints the server turned off for failing (they were emailed too). */
export function WebhookBanner() {
  const session = useSession();
  const me = useConsole((s) => s.me);
  const page = useConsole((s) => s.page);
  const [failing, setFailing] = useState(0);
  const admin = isAdmin(me);

  useEffect(() => {
    if (!admin) return;
    webhooks.list().then((all) => setFailing(failingEndpoints(all).length), () => setFailing(0));
  }, [admin, page]);

  if (!admin || failing === 0) return null;
  return (
    <div class="notice" role="alert">
      <span>{t.webhooks.banner(failing)}</span>
      <a
        href="/console/settings/webhooks"
        onClick={(e) => {
          e.preventDefault();
          void session.openSettings({ section: "webhooks" });
        }}
      >
        {t.webhooks.bannerLink}
      </a>
    </div>
  );
}
