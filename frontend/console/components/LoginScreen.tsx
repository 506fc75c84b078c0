import { useState } from "preact/hooks";
import { account } from "../account";
import { messageOf } from "../contextActions";
import { useConsole, useSession } from "../hooks";
import { t } from "../strings";
import { TwoFactorEnrol } from "./account/TwoFactorEnrol";

type Mode = "password" | "forgot" | "sent";

/** The login: email and password, then a code when the server asks for one. */
export function LoginScreen() {
  const auth = useConsole((s) => s.auth);
  const [mode, setMode] = useState<Mode>("password");
  if (auth === "two_factor") return <CodeStep />;
  if (auth === "enrol") return <EnrolStep />;
  if (mode !== "password") return <ForgotPassword sent={mode === "sent"} onSent={() => setMode("sent")} onBack={() => setMode("password")} />;
  return <PasswordStep onForgot={() => setMode("forgot")} />;
}

/** Runs a form's submit with a busy flag and the server's message on failure. */
function useSubmit(action: (form: FormData) => Promise<void>) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(event: SubmitEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action(new FormData(event.currentTarget as HTMLFormElement));
    } catch (err) {
      setError(messageOf(err, "Could not log in. Please try again."));
    } finally {
      setBusy(false);
    }
  }
  return { submit, error, busy };
}

function Error({ error }: { error: string | null }) {
  return error === null ? null : (
    <p class="error" role="alert">
      {error}
    </p>
  );
}

function PasswordStep({ onForgot }: { onForgot: () => void }) {
  const session = useSession();
  const { submit, error, busy } = useSubmit((form) => session.login(String(form.get("email") ?? ""), String(form.get("password") ?? "")));
  return (
    <main class="login">
      <form class="login-card" onSubmit={submit}>
        <h1 class="brand">Frontdesk</h1>
        <p class="muted">Log in to answer your visitors.</p>
        <label for="login-email">Email</label>
        <input id="login-email" name="email" type="email" autocomplete="username" required />
        <label for="login-password">Password</label>
        <input id="login-password" name="password" type="password" autocomplete="current-password" required />
        <Error error={error} />
        <button class="primary" type="submit" disabled={busy}>
          Log in
        </button>
        <button class="link" type="button" onClick={onForgot}>
          {t.login.forgot}
        </button>
      </form>
    </main>
  );
}

function CodeStep() {
  const session = useSession();
  const { submit, error, busy } = useSubmit((form) => session.submitCode(String(form.get("code") ?? "")));
  return (
    <main class="login">
      <form class="login-card" onSubmit={submit}>
        <h1 class="brand">Frontdesk</h1>
        <h2 class="invite-title">{t.login.codeTitle}</h2>
        <p class="muted">{t.login.codeIntro}</p>
        <label for="login-code">{t.login.code}</label>
        <input id="login-code" name="code" autocomplete="one-time-code" required autoFocus />
        <Error error={error} />
        <button class="primary" type="submit" disabled={busy}>
          {t.login.verify}
        </button>
        <button class="link" type="button" onClick={() => session.toLogin()}>
          {t.login.back}
        </button>
      </form>
    </main>
  );
}

function EnrolStep() {
  const session = useSession();
  return (
    <main class="login">
      <div class="login-card">
        <h1 class="brand">Frontdesk</h1>
        <h2 class="invite-title">{t.login.enrolTitle}</h2>
        <p class="muted">{t.login.enrolIntro}</p>
        <TwoFactorEnrol onDone={() => void session.finishEnrolment()} />
      </div>
    </main>
  );
}

function ForgotPassword({ sent, onSent, onBack }: { sent: boolean; onSent: () => void; onBack: () => void }) {
  const { submit, error, busy } = useSubmit(async (form) => {
    await account.requestReset(String(form.get("email") ?? ""));
    onSent();
  });
  return (
    <main class="login">
      <form class="login-card" onSubmit={submit}>
        <h1 class="brand">Frontdesk</h1>
        <h2 class="invite-title">{t.login.forgotTitle}</h2>
        {sent ? (
          <p role="status">{t.login.sent}</p>
        ) : (
          <>
            <p class="muted">{t.login.forgotIntro}</p>
            <label for="forgot-email">Email</label>
            <input id="forgot-email" name="email" type="email" autocomplete="username" required />
            <Error error={error} />
            <button class="primary" type="submit" disabled={busy}>
              {t.login.sendLink}
            </button>
          </>
        )}
        <button class="link" type="button" onClick={onBack}>
          {t.login.back}
        </button>
      </form>
    </main>
  );
}
