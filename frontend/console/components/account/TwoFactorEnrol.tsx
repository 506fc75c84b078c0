import { useState } from "preact/hooks";
import { account, type Enrolment } from "../../account";
import { messageOf } from "../../contextActions";
import { t } from "../../strings";
import { CopyButton } from "../CopyButton";
import { QrCode } from "./QrCode";

/**
 * Enrolling an authenticator app: a new secret (QR code and key), a code to prove the
 * app has it, then the recovery codes, shown once. `onDone` runs when the agent says
 * they saved them.
 */
export function TwoFactorEnrol({ onDone }: { onDone: () => void }) {
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [code, setCode] = useState("");
  const [error, setError] = useState<string | null>(null);

  async function start() {
    setError(null);
    try {
      setEnrolment(await account.startEnrolment());
    } catch (err) {
      setError(messageOf(err, t.common.failed));
    }
  }

  async function confirm(event: Event) {
    event.preventDefault();
    setError(null);
    try {
      setCodes((await account.confirmEnrolment(code)).recovery_codes);
    } catch (err) {
      setError(messageOf(err, t.common.failed));
    }
  }

  if (codes !== null) {
    return (
      <div class="recovery-codes" role="region" aria-label={t.security.codesTitle}>
        <h4>{t.security.codesTitle}</h4>
        <p class="hint">{t.security.codesIntro}</p>
        <ul class="mono">
          {codes.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ul>
        <CopyButton text={codes.join("\n")} label={t.common.copy} class="ghost small" />
        <button type="button" class="primary small" onClick={onDone}>
          {t.security.codesSaved}
        </button>
      </div>
    );
  }
  if (enrolment === null) {
    return (
      <div>
        {error !== null && <p class="field-error" role="alert">{error}</p>}
        <button type="button" class="primary small" onClick={() => void start()}>
          {t.security.enable}
        </button>
      </div>
    );
  }
  return (
    <form class="enrol" onSubmit={confirm} aria-label={t.security.enable}>
      <p class="hint">{t.security.scan}</p>
      <QrCode text={enrolment.otpauth_uri} label={t.security.uri} />
      <label>
        {t.security.secret}
        <input class="mono" readOnly value={enrolment.secret} onFocus={(e) => e.currentTarget.select()} />
      </label>
      <details>
        <summary>{t.security.uri}</summary>
        <code class="mono uri">{enrolment.otpauth_uri}</code>
      </details>
      <label>
        {t.security.code}
        <input
          inputMode="numeric"
          autocomplete="one-time-code"
          required
          value={code}
          onInput={(e) => setCode(e.currentTarget.value)}
        />
      </label>
      {error !== null && <p class="field-error" role="alert">{error}</p>}
      <button type="submit" class="primary small">
        {t.security.confirm}
      </button>
    </form>
  );
}
