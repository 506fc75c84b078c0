import { useLayoutEffect, useRef } from "preact/hooks";
import type { Conversation } from "../../shared/events.gen";
import type { Thread } from "../../shared/thread";
import { useConsole, useSession } from "../hooks";
import { t } from "../strings";
import { MessageItem, PendingItem } from "./MessageItem";

/** Within this many pixels of the bottom, the log follows new messages. */
const STICK_TO_BOTTOM_PX = 64;
/** Within this many pixels of the top, earlier messages are loaded. */
const LOAD_OLDER_PX = 120;

interface Props {
  thread: Thread | undefined;
  /** With it, the log loads earlier history on scroll-back and marks what the visitor has seen. */
  conversation?: Conversation;
}

export function MessageLog({ thread, conversation }: Props) {
  const session = useSession();
  const outgoingFiles = useConsole((s) => s.outgoingFiles);
  const history = useConsole((s) => (conversation === undefined ? undefined : s.inbox.history[conversation.id]));
  const log = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  /** Distance from the bottom to keep while older messages are put above. */
  const anchor = useRef<number | null>(null);

  useLayoutEffect(() => {
    const node = log.current;
    if (node === null) return;
    if (anchor.current !== null) {
      node.scrollTop = node.scrollHeight - anchor.current;
      if (history?.loading !== true) anchor.current = null;
    } else if (atBottom.current) node.scrollTop = node.scrollHeight;
  }, [thread]);

  function loadOlder() {
    const node = log.current;
    if (node === null || conversation === undefined || history?.hasOlder !== true || history.loading) return;
    anchor.current = node.scrollHeight - node.scrollTop;
    void session.inbox.loadOlder(conversation.id);
  }

  /** An image that finishes loading grows the log: keep the newest message in view. */
  function onLoadCapture() {
    const node = log.current;
    if (node !== null && atBottom.current) node.scrollTop = node.scrollHeight;
  }

  function onScroll() {
    const node = log.current;
    if (node === null) return;
    atBottom.current = node.scrollHeight - node.scrollTop - node.clientHeight < STICK_TO_BOTTOM_PX;
    if (node.scrollTop < LOAD_OLDER_PX) loadOlder();
  }

  const seenSeq = conversation === undefined || thread === undefined ? 0 : lastSeenReply(thread, conversation);
  return (
    <div class="log" role="log" aria-live="polite" ref={log} onScroll={onScroll} onLoadCapture={onLoadCapture}>
      {thread === undefined ? (
        <p class="muted">{t.conversation.loadingHistory}</p>
      ) : (
        <>
          {history !== undefined && (
            <div class="history-edge">
              {history.loading ? (
                <span class="muted">{t.conversation.loadingOlder}</span>
              ) : history.hasOlder ? (
                <button type="button" class="link" onClick={loadOlder}>
                  {t.conversation.loadOlder}
                </button>
              ) : (
                <span class="muted">{t.conversation.start}</span>
              )}
            </div>
          )}
          {thread.messages.map((m) => (
            <MessageItem key={m.client_ref ?? m.id} message={m} seen={m.seq === seenSeq && m.conversation_id === conversation?.id} />
          ))}
          {thread.pending.map((p) => (
            <PendingItem key={p.client_ref} pending={p} files={outgoingFiles[p.client_ref]} />
          ))}
        </>
      )}
    </div>
  );
}

/** The seq of the newest reply the visitor has read (private notes never reach them), or 0. */
function lastSeenReply(thread: Thread, c: Conversation): number {
  let seq = 0;
  for (const m of thread.messages) {
    if (m.conversation_id === c.id && m.author.type === "agent" && !m.private && m.seq <= c.contact_last_read_seq) seq = m.seq;
  }
  return seq;
}
