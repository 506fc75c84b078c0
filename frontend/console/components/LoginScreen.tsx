import { useState } from "preact/hooks";
import { ApiError } from "../../shared/http";
import { useSession } from "../hooks";

export function LoginScreen() {
  const session = useSession();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(null);
    try {
      await session.login(String(form.get("email") ?? ""), String(form.get("password") ?? ""));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Could not log in. Please try again.");
      setBusy(false);
    }
  }

  return (
    <main class="login">
      <form class="login-card" onSubmit={submit}>
        <h1 class="brand">Frontdesk</h1>
        <p class="muted">Log in to answer your visitors.</p>
        <label for="login-email">Email</label>
        <input id="login-email" name="email" type="email" autocomplete="username" required />
        <label for="login-password">Password</label>
        <input id="login-password" name="password" type="password" autocomplete="current-password" required />
        {error !== null && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button class="primary" type="submit" disabled={busy}>
          Log in
        </button>
      </form>
    </main>
  );
}
