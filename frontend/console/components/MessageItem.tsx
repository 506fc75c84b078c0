import type { AttachmentData, Message } from "../../shared/events.gen";
import type { PendingMessage } from "../../shared/thread";
import { formatBytes, formatTime } from "../format";
import { Attachments } from "./Attachments";
import { MessageText } from "./MessageText";
import { t } from "../strings";

/** Same element shape and attributes as the widget's messages (tests rely on them). */
export function MessageItem({ message: m, seen = false }: { message: Message; seen?: boolean }) {
  if (m.author.type === "system") {
    const action = typeof m.system?.["action"] === "string" ? m.system["action"] : undefined;
    return (
      <div class="fd-message system" data-seq={m.seq} data-author-type="system" data-action={action}>
        {fromBrowser(m) && <span class="origin">{t.conversation.fromBrowser}: </span>}
        <span class="body">{m.body}</span>
        <time dateTime={m.created_at}>{formatTime(m.created_at)}</time>
      </div>
    );
  }
  const files = m.attachments ?? [];
  return (
    <div
      class={`fd-message ${m.author.type === "visitor" ? "theirs" : "ours"}`}
      data-seq={m.seq}
      data-author-type={m.author.type}
      data-private={m.private ? "true" : undefined}
    >
      <div class="meta">
        <span class="author">{m.author.name}</span>
        {fromBrowser(m) && <span class="origin" title={t.conversation.fromBrowserHint}>{t.conversation.fromBrowser}</span>}
        {m.private && <span class="private-label">Private note</span>}
        <time dateTime={m.created_at}>{formatTime(m.created_at)}</time>
      </div>
      {(m.body !== "" || files.length === 0) && (
        <div class="body">
          <MessageText text={m.body} />
        </div>
      )}
      <Attachments files={files} />
      {seen && <span class="seen">{t.conversation.seen}</span>}
    </div>
  );
}

/** Posted by the visitor's browser through the page calls (a site note, a message under the website's name). */
function fromBrowser(m: Message): boolean {
  return m.system?.["origin"] === "visitor_browser";
}

interface PendingProps {
  pending: PendingMessage;
  files: readonly AttachmentData[] | undefined;
}

export function PendingItem({ pending: p, files = [] }: PendingProps) {
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
      {(p.body !== "" || files.length === 0) && <div class="body">{p.body}</div>}
      {files.length > 0 && (
        <ul class="attachments pending-files">
          {files.map((f) => (
            <li key={f.id} class="file">
              <span class="file-name">{f.name}</span>
              <span class="file-size">{formatBytes(f.size)}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
