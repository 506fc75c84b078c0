import { useState } from "preact/hooks";
import { useSession } from "../hooks";

export function Composer({ conversationId }: { conversationId: string }) {
  const session = useSession();
  const [text, setText] = useState("");
  const [isPrivate, setPrivate] = useState(false);

  function send() {
    if (session.send(conversationId, text, isPrivate)) setText("");
  }

  function onKeyDown(event: KeyboardEvent) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send();
    }
  }

  return (
    <form
      class={isPrivate ? "composer private" : "composer"}
      onSubmit={(event) => {
        event.preventDefault();
        send();
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
      />
      <div class="composer-bar">
        <label class="checkbox">
          <input type="checkbox" checked={isPrivate} onChange={(event) => setPrivate(event.currentTarget.checked)} />
          Private note
        </label>
        <button type="submit" class="primary">
          Send
        </button>
      </div>
    </form>
  );
}
