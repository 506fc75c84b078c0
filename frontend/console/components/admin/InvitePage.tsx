import { useEffect, useState } from "preact/hooks";
import { messageOf } from "../../contextActions";
import { useSession } from "../../hooks";
import { resources, type InvitationPreview } from "../../resources";
import * as route from "../../route";
import { t } from "../../strings";
import { PasswordMeter } from "../account/PasswordMeter";

/** /console/invite/{token}: the invitee chooses a name and password and is logged in. */
export function InvitePage() {
  const session = useSession();
  const current = route.current();
  const token = current.page === "invite" ? current.token : "";
  const [preview, setPreview] = useState<InvitationPreview | null>(null);
  const [invalid, setInvalid] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [password, setPassword] = useState("");

  useEffect(() => {
    resources.previewInvitation(token).then(setPreview, () => setInvalid(true));
  }, [token]);

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(null);
    try {
      await session.acceptInvitation(token, String(form.get("name") ?? ""), String(form.get("password") ?? ""));
    } catch (err) {
      setError(messageOf(err, t.common.failed));
      setBusy(false);
    }
  }

  return (
    <main class="login">
      <form class="login-card" onSubmit={submit}>
        <h1 class="brand">Frontdesk</h1>
        {invalid ? (
          <p class="error" role="alert">
            {t.invite.invalid}
          </p>
        ) : preview === null ? (
          <p class="muted">{t.common.loading}</p>
        ) : (
          <>
            <h2 class="invite-title">{t.invite.title(preview.workspace)}</h2>
            <p class="muted">{t.invite.intro(preview.email, t.agents.roles[preview.role] ?? preview.role)}</p>
            <input type="email" name="email" autocomplete="username" value={preview.email} hidden readOnly />
            <label for="invite-name">{t.invite.name}</label>
            <input id="invite-name" name="name" autocomplete="name" required maxLength={200} />
            <label for="invite-password">{t.invite.password}</label>
            <input
              id="invite-password"
              name="password"
              type="password"
              autocomplete="new-password"
              required
              minLength={12}
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
            <PasswordMeter password={password} />
            <p class="muted hint">{t.invite.passwordHint}</p>
            {error !== null && (
              <p class="error" role="alert">
                {error}
              </p>
            )}
            <button class="primary" type="submit" disabled={busy}>
              {t.invite.submit}
            </button>
          </>
        )}
      </form>
    </main>
  );
}
