import { useEffect, useState } from "preact/hooks";
import { account, type TwoFactorStatus } from "../../account";
import { messageOf } from "../../contextActions";
import { useConsole } from "../../hooks";
import { t } from "../../strings";
import { PasswordMeter } from "./PasswordMeter";
import { TwoFactorEnrol } from "./TwoFactorEnrol";

/** Settings › Security: the agent's own password, two-factor and sessions (docs/api.md). */
export function SecuritySection() {
  const me = useConsole((s) => s.me);
  return (
    <div class="security">
      <header class="security-head">
        <h2>{t.security.title}</h2>
        <p class="muted">{t.security.subtitle}</p>
      </header>
      <PasswordCard />
      <TwoFactorCard />
      <SessionsCard />
      {me?.agent.role === "owner" && <RequirementCard initial={me.workspace.require_two_factor ?? false} />}
    </div>
  );
}

function PasswordCard() {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [done, setDone] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const email = useConsole((s) => s.me?.agent.email ?? "");

  async function submit(event: Event) {
    event.preventDefault();
    setError(null);
    setDone(false);
    try {
      await account.changePassword(current, next);
      setCurrent("");
      setNext("");
      setDone(true);
    } catch (err) {
      setError(messageOf(err, t.common.failed));
    }
  }

  return (
    <section class="card admin-section" aria-labelledby="password-title">
      <h3 id="password-title">{t.security.password}</h3>
      <form class="stacked-form" onSubmit={submit} aria-label={t.security.password}>
        <input type="email" autocomplete="username" value={email} hidden readOnly />
        <label>
          {t.security.current}
          <input type="password" autocomplete="current-password" required value={current} onInput={(e) => setCurrent(e.currentTarget.value)} />
        </label>
        <label>
          {t.security.new}
          <input type="password" autocomplete="new-password" required minLength={12} value={next} onInput={(e) => setNext(e.currentTarget.value)} />
        </label>
        <PasswordMeter password={next} />
        <p class="hint">{t.security.hint}</p>
        {error !== null && <p class="field-error" role="alert">{error}</p>}
        {done && <p role="status">{t.security.changed}</p>}
        <button type="submit" class="primary small">
          {t.security.change}
        </button>
      </form>
    </section>
  );
}

function TwoFactorCard() {
  const [status, setStatus] = useState<TwoFactorStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const reload = () => account.twoFactorStatus().then(setStatus, (err: unknown) => setError(messageOf(err, t.common.failed)));
  useEffect(() => void reload(), []);

  async function disable(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    setError(null);
    try {
      await account.disableTwoFactor(String(form.get("password") ?? ""), String(form.get("code") ?? ""));
      setNotice(t.security.disabled);
      await reload();
    } catch (err) {
      setError(messageOf(err, t.common.failed));
    }
  }

  return (
    <section class="card admin-section" aria-labelledby="two-factor-title">
      <h3 id="two-factor-title">{t.security.twoFactor}</h3>
      {status !== null && (
        <p class="muted" role="status">
          {status.enabled ? t.security.twoFactorOn(status.recovery_codes_left) : (notice ?? t.security.twoFactorOff)}
        </p>
      )}
      {status !== null && !status.enabled && (
        <TwoFactorEnrol
          onDone={() => {
            setNotice(null);
            void reload();
          }}
        />
      )}
      {status?.enabled && (
        <form class="stacked-form" onSubmit={disable} aria-label={t.security.disable}>
          <label>
            {t.security.disablePassword}
            <input name="password" type="password" autocomplete="current-password" required />
          </label>
          <label>
            {t.security.disableCode}
            <input name="code" autocomplete="one-time-code" required />
          </label>
          <button type="submit" class="ghost small">
            {t.security.disable}
          </button>
        </form>
      )}
      {error !== null && <p class="field-error" role="alert">{error}</p>}
    </section>
  );
}

function SessionsCard() {
  const [ended, setEnded] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function logOutOthers() {
    setError(null);
    try {
      setEnded((await account.logOutOthers()).ended);
    } catch (err) {
      setError(messageOf(err, t.common.failed));
    }
  }
  return (
    <section class="card admin-section" aria-labelledby="sessions-title">
      <h3 id="sessions-title">{t.security.sessions}</h3>
      <p class="muted">{t.security.sessionsIntro}</p>
      <button type="button" class="ghost small" onClick={() => void logOutOthers()}>
        {t.security.logOutOthers}
      </button>
      {ended !== null && <p role="status">{t.security.loggedOut(ended)}</p>}
      {error !== null && <p class="field-error" role="alert">{error}</p>}
    </section>
  );
}

function RequirementCard({ initial }: { initial: boolean }) {
  const [required, setRequired] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  async function toggle(value: boolean) {
    setError(null);
    try {
      await account.requireTwoFactor(value);
      setRequired(value);
    } catch (err) {
      setError(messageOf(err, t.common.failed));
    }
  }
  return (
    <section class="card admin-section">
      <label class="toggle">
        <input type="checkbox" checked={required} onChange={(e) => void toggle(e.currentTarget.checked)} />
        <span>
          {t.security.require}
          <span class="hint">{t.security.requireHint}</span>
        </span>
      </label>
      {error !== null && <p class="field-error" role="alert">{error}</p>}
    </section>
  );
}
