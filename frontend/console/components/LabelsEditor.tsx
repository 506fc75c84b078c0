import { useState } from "preact/hooks";
import type { Conversation } from "../../shared/events.gen";
import { useSession } from "../hooks";
import { t } from "../strings";

/** The conversation's labels as chips; typing a word and Enter adds one (the server lowercases). */
export function LabelsEditor({ conversation: c }: { conversation: Conversation }) {
  const session = useSession();
  const [draft, setDraft] = useState("");
  const labels = c.labels ?? [];
  const save = (next: string[]) => session.inbox.change(c.id, { labels: next });

  async function add(event: SubmitEvent) {
    event.preventDefault();
    const label = draft.trim().toLowerCase();
    if (label === "" || labels.includes(label)) return setDraft("");
    if (await save([...labels, label])) setDraft("");
  }

  return (
    <div class="labels" role="group" aria-label={t.actions.labels}>
      {labels.map((label) => (
        <span key={label} class="label-chip">
          {label}
          <button type="button" class="chip-remove" aria-label={t.actions.removeLabel(label)} onClick={() => void save(labels.filter((l) => l !== label))}>
            ×
          </button>
        </span>
      ))}
      <form onSubmit={add} class="label-add">
        <input aria-label={t.actions.addLabel} placeholder={t.actions.addLabel} maxLength={50} value={draft} onInput={(e) => setDraft(e.currentTarget.value)} />
      </form>
    </div>
  );
}
