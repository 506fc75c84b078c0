import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { loadChecklist, markDone, saveChecklist, type Checklist, type Step } from "../checklist";
import { useConsole, useSession } from "../hooks";
import { isAdmin } from "../state";
import { CopyButton } from "./CopyButton";

/** The first steps, above the inbox until dismissed. */
export function SetupChecklist() {
  const session = useSession();
  const me = useConsole((s) => s.me);
  const snippet = useConsole((s) => s.websites[0]?.snippet);
  const agentId = me?.agent.id ?? "";
  const [checklist, setChecklist] = useState<Checklist>(() => loadChecklist(agentId));
  if (me === null || checklist.dismissed) return null;

  const update = (next: Checklist) => {
    setChecklist(next);
    saveChecklist(agentId, next);
  };
  const done = (step: Step) => update(markDone(checklist, step));
  const isDone = (step: Step) => checklist.done.includes(step);

  return (
    <section class="checklist" aria-labelledby="checklist-title">
      <div class="checklist-head">
        <h2 id="checklist-title">Get started</h2>
        <span class="muted">
          {checklist.done.length} of 3 done
        </span>
        <button
          type="button"
          class="icon-button"
          aria-label="Dismiss the checklist"
          title="Dismiss"
          onClick={() => update({ ...checklist, dismissed: true })}
        >
          ×
        </button>
      </div>
      <ol>
        <Item done={isDone("snippet")} title="Copy the snippet for your site">
          <p class="muted">One line before &lt;/body&gt; shows the chat on your pages.</p>
          <div class="checklist-actions">
            {snippet !== undefined && (
              <CopyButton text={snippet} label="Copy snippet" class="ghost small" onCopied={() => done("snippet")} />
            )}
            {isAdmin(me) && (
              <a
                href="/console/settings"
                class="link"
                onClick={(e) => {
                  e.preventDefault();
                  void session.openSettings();
                }}
              >
                Widget settings
              </a>
            )}
          </div>
        </Item>
        <Item done={isDone("teammate")} title="Invite a teammate">
          <p class="muted">
            For now, add agents on the server: <code>frontdesk create-agent --email … --name …</code> prints their
            password. Invitations by email are coming.
          </p>
          {!isDone("teammate") && (
            <button type="button" class="link" onClick={() => done("teammate")}>
              Mark as done
            </button>
          )}
        </Item>
        <Item done={isDone("test")} title="Send yourself a test message">
          <p class="muted">Chat from the demo page; the conversation appears here live.</p>
          <a href="/" target="_blank" rel="noopener noreferrer" class="link" onClick={() => done("test")}>
            Open the demo page ↗
          </a>
        </Item>
      </ol>
    </section>
  );
}

function Item({ done, title, children }: { done: boolean; title: string; children: ComponentChildren }) {
  return (
    <li data-done={done ? "true" : undefined}>
      <span class="check" aria-hidden="true">
        {done ? "✓" : ""}
      </span>
      <div>
        <strong>
          {title}
          {done && <span class="sr-only"> (done)</span>}
        </strong>
        {children}
      </div>
    </li>
  );
}
