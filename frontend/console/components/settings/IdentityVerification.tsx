import { useState } from "preact/hooks";
import { ApiError } from "../../../shared/http";
import type { Website } from "../../api";
import { useSession } from "../../hooks";
import { CopyButton } from "../CopyButton";

type Step = { kind: "idle" } | { kind: "confirm" } | { kind: "busy" } | { kind: "shown"; secret: string };

/**
 * Identity verification: the site's server signs the visitor's id with a secret only it
 * and Frontdesk know, so nobody can chat as another customer. The secret is shown once.
 */
export function IdentityVerification({ website }: { website: Website }) {
  const session = useSession();
  const [step, setStep] = useState<Step>({ kind: "idle" });
  const [error, setError] = useState<string | null>(null);
  const on = website.identity_verification;

  async function generate() {
    setStep({ kind: "busy" });
    setError(null);
    try {
      setStep({ kind: "shown", secret: await session.rotateIdentitySecret(website.id) });
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Could not create a secret. Please try again.");
      setStep({ kind: "idle" });
    }
  }

  return (
    <section class="card settings-section" aria-labelledby="identity-title">
      <div class="section-head">
        <h3 id="identity-title">Identity verification</h3>
        <span class="badge" data-on={on ? "true" : "false"}>
          {on ? "On" : "Off"}
        </span>
      </div>
      <p class="muted">
        Prove who a logged-in visitor is, so their history follows them across devices and nobody can pose as them.
      </p>
      {step.kind === "shown" ? (
        <SecretShown secret={step.secret} onDone={() => setStep({ kind: "idle" })} />
      ) : step.kind === "confirm" ? (
        <div class="confirm" role="alertdialog" aria-labelledby="identity-confirm">
          <p id="identity-confirm">
            Replace the secret? Signatures made with the current one stop working at once, so your site must switch to
            the new one.
          </p>
          <div class="actions">
            <button type="button" class="danger" onClick={() => void generate()}>
              Replace secret
            </button>
            <button type="button" class="ghost" onClick={() => setStep({ kind: "idle" })}>
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <button
          type="button"
          class="ghost"
          disabled={step.kind === "busy"}
          onClick={() => (on ? setStep({ kind: "confirm" }) : void generate())}
        >
          {on ? "Generate a new secret" : "Generate secret"}
        </button>
      )}
      {error !== null && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

function SecretShown({ secret, onDone }: { secret: string; onDone: () => void }) {
  return (
    <div class="secret">
      <p>
        <strong>Copy this secret now: it is not shown again.</strong> Keep it on your server, never in a page.
      </p>
      <div class="code-box">
        <input class="mono" aria-label="Identity secret" readOnly value={secret} onFocus={(e) => e.currentTarget.select()} />
        <CopyButton text={secret} label="Copy secret" />
      </div>
      <p class="muted">
        For each logged-in visitor, your server computes{" "}
        <code>signature = hex(HMAC-SHA256(secret, external_id))</code>, where <code>external_id</code> is your own id
        for that user, and the page passes both: <code>Frontdesk.identify({"{"} externalId, signature {"}"})</code>.
      </p>
      <pre class="code-sample mono">
        {`# Python
hmac.new(secret.encode(), external_id.encode(), hashlib.sha256).hexdigest()

// Node.js
crypto.createHmac("sha256", secret).update(external_id).digest("hex")`}
      </pre>
      <button type="button" class="ghost" onClick={onDone}>
        I have stored it
      </button>
    </div>
  );
}
