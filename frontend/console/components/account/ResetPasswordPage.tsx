import { useState } from "preact/hooks";
import { account } from "../../account";
import { messageOf } from "../../contextActions";
import { useSession } from "../../hooks";
import * as route from "../../route";
import { t } from "../../strings";
import { PasswordMeter } from "./PasswordMeter";

/** /console/reset-password/{token}: the emailed link. A new password, then the login. */
export function ResetPasswordPage() {
  const session = useSession();
  const current = route.current();
  const token = current.page === "reset" ? current.token : "";
  const [password, setPassword] = useState("");
  const [done, setDone] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: Event) {
    event.preventDefault();
    setError(null);
    try {
      await account.reset(token, password);
      setDone(true);
    } catch (err) {
      setError(messageOf(err, t.common.failed));
    }
  }

  return (
    <main class="login">
      <form class="login-card" onSubmit={submit}>
        <h1 class="brand">Frontdesk</h1>
        <h2 class="invite-title">{t.reset.title}</h2>
        {done ? (
          <p role="status">{t.reset.done}</p>
        ) : (
          <>
            <label for="reset-password">{t.reset.password}</label>
            <input
              id="reset-password"
              type="password"
              autocomplete="new-password"
              required
              minLength={12}
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
            <PasswordMeter password={password} />
            <p class="muted hint">{t.security.hint}</p>
            {error !== null && (
              <p class="error" role="alert">
                {error}
              </p>
            )}
            <button class="primary" type="submit">
              {t.reset.submit}
            </button>
          </>
        )}
        <button class="link" type="button" onClick={() => session.toLogin()}>
          {t.reset.toLogin}
        </button>
      </form>
    </main>
  );
}
