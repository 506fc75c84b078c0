import { useEffect, useState } from "preact/hooks";
import { messageOf } from "../../contextActions";
import { formatTime } from "../../format";
import { resources, type ApiToken, type NewApiToken } from "../../resources";
import { t } from "../../strings";
import { CopyButton } from "../CopyButton";

/** Settings › API tokens: the secret is shown once, at creation; revoking is immediate. */
export function TokensSection() {
  const [tokens, setTokens] = useState<ApiToken[]>([]);
  const [name, setName] = useState("");
  const [created, setCreated] = useState<NewApiToken | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    resources.tokens().then(setTokens, (err: unknown) => setError(messageOf(err, t.common.failed)));
  }, []);

  async function create(event: Event) {
    event.preventDefault();
    setError(null);
    try {
      const token = await resources.createToken(name);
      setCreated(token);
      setTokens((all) => [...all, token]);
      setName("");
    } catch (err) {
      setError(messageOf(err, t.common.failed));
    }
  }

  async function revoke(id: string) {
    try {
      await resources.revokeToken(id);
      setTokens((all) => all.filter((x) => x.id !== id));
      if (created?.id === id) setCreated(null);
    } catch (err) {
      setError(messageOf(err, t.common.failed));
    }
  }

  return (
    <section class="card admin-section" aria-labelledby="tokens-title">
      <h3 id="tokens-title">{t.tokens.title}</h3>
      <p class="muted">{t.tokens.subtitle}</p>
      {error !== null && <p class="field-error" role="alert">{error}</p>}
      {tokens.length === 0 ? (
        <p class="muted">{t.tokens.empty}</p>
      ) : (
        <ul class="admin-list">
          {tokens.map((token) => (
            <li key={token.id}>
              <span>
                <strong>{token.name}</strong> <span class="mono">{token.prefix}…</span>{" "}
                <span class="muted">{token.last_used_at === null ? t.tokens.neverUsed : t.tokens.lastUsed(formatTime(token.last_used_at))}</span>
              </span>
              <button type="button" class="ghost small" onClick={() => void revoke(token.id)}>
                {t.tokens.revoke}
              </button>
            </li>
          ))}
        </ul>
      )}
      {created !== null && (
        <div class="secret-box" role="status">
          <p>{t.tokens.secret}</p>
          <input class="mono" readOnly value={created.token} aria-label={t.tokens.secret} onFocus={(e) => e.currentTarget.select()} />
          <CopyButton text={created.token} label={t.common.copy} class="ghost small" />
        </div>
      )}
      <form class="inline-form form-row" onSubmit={create} aria-label={t.tokens.create}>
        <label>
          {t.tokens.name}
          <input required maxLength={200} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <button type="submit" class="primary small">
          {t.tokens.create}
        </button>
      </form>
    </section>
  );
}
