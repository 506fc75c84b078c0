import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import { useConsole, useSession } from "../hooks";
import { listFor } from "../inbox/views";
import { nearEnd, scrollToShow, windowOf } from "../inbox/virtualList";
import { t } from "../strings";
import { ConversationItem, ROW_HEIGHT } from "./ConversationItem";

/** Rows rendered beyond each edge of the viewport. */
const OVERSCAN = 6;
/** The next page is asked for when the window comes this many rows from the end. */
const LOAD_MARGIN = 10;

/** The view's conversations; only the rows in sight are in the DOM (inbox/virtualList.ts). */
export function ConversationList() {
  const session = useSession();
  const conversations = useConsole((s) => s.conversations);
  const view = useConsole((s) => s.inbox.view);
  const listing = useConsole((s) => s.inbox.listing);
  const selectedId = useConsole((s) => s.selectedId);
  const highlightId = useConsole((s) => s.inbox.highlightId);
  const meId = useConsole((s) => s.me?.agent.id ?? "");
  const rows = useMemo(
    () => listFor(conversations, view, { meId, boundary: listing.boundary, keepId: selectedId }),
    [conversations, view, meId, listing.boundary, selectedId],
  );

  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);
  useLayoutEffect(() => {
    const node = scroller.current;
    if (node === null) return;
    setViewport(node.clientHeight);
    const observer = new ResizeObserver(() => setViewport(node.clientHeight));
    observer.observe(node);
    return () => observer.disconnect();
  }, []);

  const win = windowOf({ scrollTop, viewport, rowHeight: ROW_HEIGHT, count: rows.length, overscan: OVERSCAN });
  useEffect(() => {
    if (listing.loaded && listing.cursor !== null && nearEnd(win, rows.length, LOAD_MARGIN)) void session.inbox.loadMore();
  }, [win.end, rows.length, listing.loaded, listing.cursor]);

  // The keyboard's row stays in sight.
  useEffect(() => {
    const node = scroller.current;
    const index = rows.findIndex((c) => c.id === highlightId);
    if (node === null || index === -1) return;
    const top = scrollToShow(index, node.scrollTop, node.clientHeight, ROW_HEIGHT);
    if (top !== null) node.scrollTop = top;
  }, [highlightId]);

  return (
    <div class="list-scroller" ref={scroller} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
      {rows.length === 0 ? (
        listing.loaded && <p class="empty">{t.inbox.empty}</p>
      ) : (
        <ul aria-label={t.inbox.list} aria-rowcount={rows.length} style={{ paddingTop: win.padTop, paddingBottom: win.padBottom }}>
          {rows.slice(win.start, win.end).map((c) => (
            <ConversationItem key={c.id} conversation={c} selected={c.id === selectedId} highlighted={c.id === highlightId} />
          ))}
        </ul>
      )}
      {listing.loading && <p class="muted list-loading">{t.inbox.loadingMore}</p>}
    </div>
  );
}
