import type { Message } from "../../shared/events.gen";
import type { PendingMessage } from "../../shared/thread";
import { formatTime } from "../format";

/** Same element shape and attributes as the widget's messages (tests rely on them). */
export function MessageItem({ message: m }: { message: Message }) {
  if (m.author.type === "system") {
    return (
      <div class="fd-message system" data-seq={m.seq} data-author-type="system">
        <span class="body">{m.body}</span>
      </div>
    );
  }
  return (
    <div
      class={`fd-message ${m.author.type === "visitor" ? "theirs" : "ours"}`}
      data-seq={m.seq}
      data-author-type={m.author.type}
      data-private={m.private ? "true" : undefined}
    >
      <div class="meta">
        <span class="author">{m.author.name}</span>
        {m.private && <span class="private-label">Private note</span>}
        <time dateTime={m.created_at}>{formatTime(m.created_at)}</time>
      </div>
      <div class="body">{m.body}</div>
    </div>
  );
}

export function PendingItem({ pending: p }: { pending: PendingMessage }) {
  return (
    <div
      class="fd-message ours"
      data-author-type="agent"
      data-state={p.state}
      data-private={p.private ? "true" : undefined}
    >
      <div class="meta">
        <span class="author">You</span>
        {p.private && <span class="private-label">Private note</span>}
        <span class="state">{p.state === "failed" ? `Not sent: ${p.error ?? "refused"}` : "Sending…"}</span>
      </div>
      <div class="body">{p.body}</div>
    </div>
  );
}
