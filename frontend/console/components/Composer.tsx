import { useRef, useState } from "preact/hooks";
import { formatBytes } from "../format";
import { useSession } from "../hooks";
import { MAX_FILES, useUploads, type Upload } from "../uploads";

export function Composer({ conversationId }: { conversationId: string }) {
  const session = useSession();
  const [text, setText] = useState("");
  const [isPrivate, setPrivate] = useState(false);
  const files = useUploads(session);
  const picker = useRef<HTMLInputElement>(null);

  function send() {
    if (files.busy) return;
    if (session.send(conversationId, text, isPrivate, files.ready)) {
      setText("");
      files.clear();
    }
  }

  function onKeyDown(event: KeyboardEvent) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
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
      <textarea
        aria-label="Reply"
        placeholder={isPrivate ? "Write a private note: only agents see it" : "Write a reply… (Enter to send, Shift+Enter for a new line)"}
        value={text}
        rows={3}
        onInput={(event) => {
          const value = event.currentTarget.value;
          setText(value);
          session.typed(conversationId, value, isPrivate);
        }}
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
            Private note
          </label>
        </div>
        <button type="submit" class="primary" disabled={files.busy}>
          {files.busy ? "Uploading…" : "Send"}
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
