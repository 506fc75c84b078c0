import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { Conversation } from "../../shared/events.gen";
import { loadVisitor } from "../contextActions";
import { formatBytes } from "../format";
import { useConsole, useSession } from "../hooks";
import { cannedTrigger, fillPlaceholders, filterCanned, replaceRange, type CannedResponse, type Trigger } from "../inbox/canned";
import { filterMentionable, mentionText, mentionTrigger } from "../inbox/mentions";
import type { AgentRow } from "../resources";
import { t } from "../strings";
import { MAX_FILES, useUploads, type Upload } from "../uploads";
import { Picker } from "./Picker";

/** Shortcuts (inbox/shortcuts.ts) ask the composer to take focus, as a reply or a note. */
export const COMPOSE_EVENT = "frontdesk:compose";
export interface ComposeDetail {
  private: boolean;
}

type Suggestions =
  | { kind: "canned"; trigger: Trigger; items: CannedResponse[] }
  | { kind: "mention"; trigger: Trigger; items: AgentRow[] };

export function Composer({ conversation }: { conversation: Conversation }) {
  const session = useSession();
  const conversationId = conversation.id;
  const initial = useMemo(() => session.inbox.drafts.get(conversationId), [conversationId]);
  const [text, setText] = useState(initial.text);
  const [isPrivate, setPrivate] = useState(initial.private);
  const [caret, setCaret] = useState(initial.text.length);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState<number | null>(null);
  const files = useUploads(session);
  const picker = useRef<HTMLInputElement>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  const canned = useConsole((s) => s.inbox.canned);
  const agents = useConsole((s) => s.agents);
  const me = useConsole((s) => s.me);
  const contact = useConsole((s) => s.contacts[conversation.contact.id]);

  useEffect(() => session.inbox.drafts.set(conversationId, { text, private: isPrivate }), [text, isPrivate]);
  useEffect(() => {
    const onCompose = (e: Event) => {
      setPrivate((e as CustomEvent<ComposeDetail>).detail.private);
      box.current?.focus();
    };
    window.addEventListener(COMPOSE_EVENT, onCompose);
    return () => window.removeEventListener(COMPOSE_EVENT, onCompose);
  }, []);

  const suggestions = useMemo((): Suggestions | null => {
    const mention = isPrivate ? mentionTrigger(text, caret) : null;
    if (mention !== null) return { kind: "mention", trigger: mention, items: filterMentionable(Object.values(agents ?? {}), mention.query, me?.agent.id ?? "") };
    const slash = cannedTrigger(text, caret);
    if (slash !== null) return { kind: "canned", trigger: slash, items: filterCanned(canned, slash.query) };
    return null;
  }, [text, caret, isPrivate, canned, agents]);
  const open = suggestions !== null && suggestions.trigger.start !== dismissed;

  // Opening the picker refreshes the responses (colleagues add some) and loads the full
  // contact, whose custom attributes placeholders may name.
  const cannedOpen = open && suggestions?.kind === "canned";
  useEffect(() => {
    if (!cannedOpen) return;
    void session.inbox.reloadCanned();
    if (contact === undefined) void loadVisitor(session.store, conversation.contact.id).catch(() => undefined);
  }, [cannedOpen]);

  function edit(value: string, at: number) {
    setText(value);
    setCaret(at);
    setActive(0);
    session.typed(conversationId, value, isPrivate);
  }

  function insert(replacement: string) {
    if (suggestions === null) return;
    const next = replaceRange(text, suggestions.trigger.start, caret, replacement);
    edit(next.text, next.caret);
    // After the render, the caret goes after what was inserted; not if more was typed
    // meanwhile (a busy page): that would send the next keystrokes to the middle.
    requestAnimationFrame(() => {
      const el = box.current;
      if (el !== null && el.value === next.text) el.setSelectionRange(next.caret, next.caret);
    });
  }

  function pick(index: number) {
    if (suggestions === null) return;
    if (suggestions.kind === "mention") {
      const agent = suggestions.items[index];
      if (agent !== undefined) insert(mentionText(agent));
      return;
    }
    const response = suggestions.items[index];
    if (response === undefined || me === null) return;
    const who = contact ?? { ...conversation.contact, custom_attributes: {} };
    insert(fillPlaceholders(response.body, { contact: who, agent: { name: me.agent.name, email: me.agent.email ?? null } }));
  }

  function send() {
    if (files.busy) return;
    if (session.send(conversationId, text, isPrivate, files.ready)) {
      setText("");
      setCaret(0);
      session.inbox.drafts.clear(conversationId);
      files.clear();
    }
  }

  function onKeyDown(event: KeyboardEvent) {
    if (event.isComposing) return;
    if (open && suggestions !== null) {
      const count = suggestions.items.length;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (count > 0) setActive((active + (event.key === "ArrowDown" ? 1 : count - 1)) % count);
        return;
      }
      if ((event.key === "Enter" || event.key === "Tab") && count > 0) {
        event.preventDefault();
        pick(Math.min(active, count - 1));
        return;
      }
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        setDismissed(suggestions.trigger.start);
        return;
      }
    }
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      send();
    }
  }

  function onPaste(event: ClipboardEvent) {
    const pasted = [...(event.clipboardData?.files ?? [])];
    if (pasted.length === 0) return;
    event.preventDefault();
    files.add(pasted);
  }

  const listId = "composer-suggestions";
  return (
    <form
      class={isPrivate ? "composer private" : "composer"}
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
      onDragOver={(event) => event.preventDefault()}
      onDrop={(event) => {
        event.preventDefault();
        files.add(event.dataTransfer?.files ?? []);
      }}
    >
      {open && suggestions !== null && (
        <Picker
          id={listId}
          label={suggestions.kind === "canned" ? t.composer.canned : t.composer.mentions}
          items={suggestions.items as readonly (CannedResponse | AgentRow)[]}
          active={active}
          empty={suggestions.kind === "canned" ? t.composer.cannedNone : undefined}
          keyOf={(item) => item.id}
          render={(item) =>
            "shortcut" in item ? (
              <>
                <span class="picker-key">/{item.shortcut}</span>
                <span class="picker-text">{item.body}</span>
              </>
            ) : (
              <span class="picker-key">{item.name}</span>
            )
          }
          onPick={(item) => pick(suggestions.items.indexOf(item as never))}
        />
      )}
      <textarea
        id="composer-text"
        ref={box}
        aria-label={t.composer.reply}
        aria-controls={open ? listId : undefined}
        aria-expanded={open}
        aria-autocomplete="list"
        aria-activedescendant={open && suggestions !== null && suggestions.items.length > 0 ? `${listId}-${active}` : undefined}
        placeholder={isPrivate ? t.composer.notePlaceholder : t.composer.replyPlaceholder}
        value={text}
        rows={3}
        onInput={(event) => edit(event.currentTarget.value, event.currentTarget.selectionStart)}
        onKeyUp={(event) => {
          if (event.key === "ArrowLeft" || event.key === "ArrowRight" || event.key === "Home" || event.key === "End") setCaret(event.currentTarget.selectionStart);
        }}
        onClick={(event) => setCaret(event.currentTarget.selectionStart)}
        onKeyDown={onKeyDown}
        onPaste={onPaste}
      />
      {files.uploads.length > 0 && (
        <ul class="file-chips" aria-label="Files to send">
          {files.uploads.map((u) => (
            <FileChip key={u.key} upload={u} onRemove={() => files.remove(u.key)} />
          ))}
        </ul>
      )}
      <div class="composer-bar">
        <div class="composer-tools">
          <button
            type="button"
            class="icon-button"
            aria-label="Attach files"
            title="Attach files"
            disabled={files.uploads.length >= MAX_FILES}
            onClick={() => picker.current?.click()}
          >
            <PaperclipIcon />
          </button>
          <input
            ref={picker}
            type="file"
            multiple
            hidden
            aria-label="Choose files to attach"
            onChange={(event) => {
              files.add(event.currentTarget.files ?? []);
              event.currentTarget.value = "";
            }}
          />
          <label class="checkbox">
            <input type="checkbox" checked={isPrivate} onChange={(event) => setPrivate(event.currentTarget.checked)} />
            {t.composer.privateNote}
          </label>
        </div>
        <button type="submit" class="primary" disabled={files.busy}>
          {files.busy ? "Uploading…" : isPrivate ? t.composer.addNote : t.composer.send}
        </button>
      </div>
    </form>
  );
}

function FileChip({ upload: u, onRemove }: { upload: Upload; onRemove: () => void }) {
  return (
    <li class="file-chip" data-state={u.state}>
      <span class="file-name">{u.name}</span>
      <span class="file-size">
        {u.state === "uploading" ? "Uploading…" : u.state === "failed" ? (u.error ?? "Upload failed") : formatBytes(u.size)}
      </span>
      <button type="button" class="chip-remove" aria-label={`Remove ${u.name}`} onClick={onRemove}>
        ×
      </button>
    </li>
  );
}

function PaperclipIcon() {
  return (
    <svg viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true">
      <path d="M21.4 11.1 12.2 20.3a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5" />
    </svg>
  );
}
