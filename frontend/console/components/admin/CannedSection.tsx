import { useEffect, useState } from "preact/hooks";
import { messageOf } from "../../contextActions";
import { useConsole } from "../../hooks";
import { resources, type CannedInput, type CannedResponse } from "../../resources";
import { isAdmin } from "../../state";
import { t } from "../../strings";

/** Settings › Canned responses: the workspace's (admins edit them) and the agent's own. */
export function CannedSection() {
  const admin = useConsole((s) => isAdmin(s.me));
  const [items, setItems] = useState<CannedResponse[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    resources.canned().then(setItems, (err: unknown) => setError(messageOf(err, t.common.failed)));
  }, []);

  return (
    <section class="card admin-section" aria-labelledby="canned-title">
      <h3 id="canned-title">{t.canned.title}</h3>
      <p class="muted">{t.canned.subtitle}</p>
      {error !== null && <p class="field-error" role="alert">{error}</p>}
      {items.length === 0 && <p class="muted">{t.canned.empty}</p>}
      {items.map((item) => (
        <CannedForm
          key={item.id}
          item={item}
          canShare={admin}
          saved={(next) => setItems((all) => all.map((x) => (x.id === next.id ? next : x)))}
          deleted={() => setItems((all) => all.filter((x) => x.id !== item.id))}
        />
      ))}
      <CannedForm key={items.length} item={null} canShare={admin} saved={(next) => setItems((all) => [...all, next])} deleted={() => undefined} />
    </section>
  );
}

interface FormProps {
  item: CannedResponse | null;
  canShare: boolean;
  saved: (item: CannedResponse) => void;
  deleted: () => void;
}

function CannedForm({ item, canShare, saved, deleted }: FormProps) {
  const [input, setInput] = useState<CannedInput>({
    shortcut: item?.shortcut ?? "",
    body: item?.body ?? "",
    shared: item?.shared ?? canShare,
  });
  const [error, setError] = useState<string | null>(null);
  const [state, setState] = useState<"idle" | "saved">("idle");
  // A shared response is the admins' to change.
  const locked = item !== null && item.shared && !canShare;

  async function save(event: Event) {
    event.preventDefault();
    setError(null);
    try {
      saved(item === null ? await resources.createCanned(input) : await resources.updateCanned(item.id, input));
      setState("saved");
    } catch (err) {
      setError(messageOf(err, t.common.failed));
    }
  }

  async function remove() {
    if (item === null) return;
    try {
      await resources.deleteCanned(item.id);
      deleted();
    } catch (err) {
      setError(messageOf(err, t.common.failed));
    }
  }

  return (
    <form class="canned-form" onSubmit={save} aria-label={item === null ? t.canned.add : `/${item.shortcut}`}>
      <label>
        {t.canned.shortcut}
        <input required maxLength={60} disabled={locked} value={input.shortcut} onInput={(e) => setInput({ ...input, shortcut: e.currentTarget.value })} />
      </label>
      <label class="grow">
        {t.canned.body}
        <textarea required rows={2} disabled={locked} value={input.body} onInput={(e) => setInput({ ...input, body: e.currentTarget.value })} />
      </label>
      <label class="check-label">
        <input type="checkbox" checked={input.shared} disabled={!canShare} onChange={(e) => setInput({ ...input, shared: e.currentTarget.checked })} />
        {input.shared ? t.canned.shared : t.canned.personal}
      </label>
      {!locked && (
        <div class="form-actions">
          <span role="status" class="muted">
            {state === "saved" && item !== null ? t.common.saved : ""}
          </span>
          {item !== null && (
            <button type="button" class="ghost small" onClick={() => void remove()}>
              {t.common.delete}
            </button>
          )}
          <button type="submit" class="primary small">
            {item === null ? t.canned.add : t.common.save}
          </button>
        </div>
      )}
      {error !== null && <p class="field-error" role="alert">{error}</p>}
    </form>
  );
}
