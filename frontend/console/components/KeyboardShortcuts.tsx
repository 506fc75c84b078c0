import { useEffect, useRef } from "preact/hooks";
import { useConsole, useSession } from "../hooks";
import { actionFor, keyLabel, SHORTCUTS, describe, type ShortcutAction } from "../inbox/shortcuts";
import type { ConsoleSession } from "../session";
import { t } from "../strings";
import { COMPOSE_EVENT, type ComposeDetail } from "./Composer";

/** Listens for the shortcuts (inbox/shortcuts.ts) and shows their list on `?`. */
export function KeyboardShortcuts() {
  const session = useSession();
  const open = useConsole((s) => s.inbox.shortcutsOpen);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      const inField = target !== null && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
      // Enter on a focused button or link is that control's own click.
      if (e.key === "Enter" && target !== null && /^(BUTTON|A)$/.test(target.tagName)) return;
      const action = actionFor({ key: e.key, ctrlKey: e.ctrlKey, metaKey: e.metaKey, altKey: e.altKey, inField });
      if (action === null || e.defaultPrevented) return;
      if (run(session, action, target)) e.preventDefault();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [session]);
  return open ? <ShortcutsOverlay close={() => setOpen(session, false)} /> : null;
}

function setOpen(session: ConsoleSession, shortcutsOpen: boolean): void {
  session.store.update((s) => ({ ...s, inbox: { ...s.inbox, shortcutsOpen } }));
}

/** Does what the shortcut names; false when it does not apply here (the key then does its usual). */
function run(session: ConsoleSession, action: ShortcutAction, target: HTMLElement | null): boolean {
  const s = session.store.get();
  if (action === "help") return setOpen(session, true), true;
  if (action === "escape") {
    if (s.inbox.shortcutsOpen) return setOpen(session, false), true;
    target?.blur();
    return false;
  }
  if (s.page !== "inbox" || s.inbox.shortcutsOpen) return false;
  const selected = s.selectedId === null ? undefined : s.conversations[s.selectedId];
  const view = s.inbox.view;
  switch (action) {
    case "next":
    case "previous":
      session.inbox.moveHighlight(action === "next" ? 1 : -1);
      return true;
    case "open":
      session.inbox.openHighlighted();
      return s.inbox.highlightId !== null;
    case "reply":
    case "note":
      if (selected === undefined) return false;
      window.dispatchEvent(new CustomEvent<ComposeDetail>(COMPOSE_EVENT, { detail: { private: action === "note" } }));
      return true;
    case "resolve":
      if (selected === undefined || selected.status === "resolved") return false;
      void session.inbox.change(selected.id, { status: "resolved" });
      return true;
    case "assignToMe":
      if (selected === undefined || s.me === null) return false;
      void session.inbox.change(selected.id, { assignee_id: s.me.agent.id });
      return true;
    case "viewMine":
    case "viewUnassigned":
    case "viewAll": {
      const kind = action === "viewMine" ? "mine" : action === "viewUnassigned" ? "unassigned" : "all";
      void session.inbox.setView({ ...view, folder: { kind } });
      return true;
    }
  }
}

function ShortcutsOverlay({ close }: { close: () => void }) {
  const dialog = useRef<HTMLDivElement>(null);
  useEffect(() => dialog.current?.focus(), []);
  return (
    <div class="overlay" onClick={(e) => e.target === e.currentTarget && close()}>
      <div class="overlay-card" role="dialog" aria-modal="true" aria-labelledby="shortcuts-title" tabIndex={-1} ref={dialog}>
        <div class="overlay-head">
          <h2 id="shortcuts-title">{t.shortcuts.title}</h2>
          <button type="button" class="icon-button" aria-label={t.actions.close} onClick={close}>
            ×
          </button>
        </div>
        <dl class="shortcut-list">
          {SHORTCUTS.map((s) => (
            <div key={s.action} class="shortcut">
              <dt>
                {s.keys.map((k, i) => (
                  <>
                    {i > 0 && " / "}
                    <kbd key={k}>{keyLabel(k)}</kbd>
                  </>
                ))}
              </dt>
              <dd>{describe(s.action)}</dd>
            </div>
          ))}
        </dl>
      </div>
    </div>
  );
}
