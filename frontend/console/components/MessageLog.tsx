import { useLayoutEffect, useRef } from "preact/hooks";
import type { Thread } from "../../shared/thread";
import { useConsole } from "../hooks";
import { MessageItem, PendingItem } from "./MessageItem";

/** Within this many pixels of the bottom, the log follows new messages. */
const STICK_TO_BOTTOM_PX = 64;

export function MessageLog({ thread }: { thread: Thread | undefined }) {
  const outgoingFiles = useConsole((s) => s.outgoingFiles);
  const log = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);

  useLayoutEffect(() => {
    const node = log.current;
    if (node !== null && atBottom.current) node.scrollTop = node.scrollHeight;
  }, [thread]);

  /** An image that finishes loading grows the log: keep the newest message in view. */
  function onLoadCapture() {
    const node = log.current;
    if (node !== null && atBottom.current) node.scrollTop = node.scrollHeight;
  }

  function onScroll() {
    const node = log.current;
    if (node !== null) atBottom.current = node.scrollHeight - node.scrollTop - node.clientHeight < STICK_TO_BOTTOM_PX;
  }

  return (
    <div class="log" role="log" aria-live="polite" ref={log} onScroll={onScroll} onLoadCapture={onLoadCapture}>
      {thread === undefined ? (
        <p class="muted">Loading messages…</p>
      ) : (
        <>
          {thread.messages.map((m) => (
            <MessageItem key={m.client_ref ?? m.id} message={m} />
          ))}
          {thread.pending.map((p) => (
            <PendingItem key={p.client_ref} pending={p} files={outgoingFiles[p.client_ref]} />
          ))}
        </>
      )}
    </div>
  );
}
