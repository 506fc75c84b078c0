import { useEffect, useState } from "preact/hooks";
import { useNow } from "../../clock";
import { loadLiveVisitors, messageOf } from "../../contextActions";
import { useConsole, useSession } from "../../hooks";
import { resources, type LiveVisitor } from "../../resources";
import { t } from "../../strings";
import { formatDuration, isIdentified, liveList, secondsBetween } from "../../visitorContext";
import { PageLink } from "./PageLink";
import { uuid7 } from "../../../shared/ids";

/**
 * Page views arrive live (a newcomer's makes the list reload); visitors who left drop
 * off at the next refresh. The server's window is five minutes, so a quarter minute is plenty.
 */
const REFRESH_MS = 15_000;
const TICK_MS = 5_000;

/** /console/visitors: who is on the site now, and a way to start a chat with them. */
export function LiveVisitorsPage() {
  const { store } = useSession();
  const visitors = useConsole((s) => s.liveVisitors);
  const stale = useConsole((s) => s.liveStale);
  const [error, setError] = useState<string | null>(null);
  const now = useNow(TICK_MS);

  useEffect(() => {
    const refresh = () =>
      loadLiveVisitors(store).then(
        () => setError(null),
        (err: unknown) => setError(messageOf(err, t.common.failed)),
      );
    void refresh();
    const timer = setInterval(() => void refresh(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [store]);

  // A visitor who just arrived shows up at once, not at the next refresh.
  useEffect(() => {
    if (stale) loadLiveVisitors(store).catch(() => undefined);
  }, [stale, store]);

  const list = liveList(visitors);
  return (
    <main class="context-page" aria-labelledby="live-title">
      <header class="page-header">
        <h2 id="live-title">{t.live.title}</h2>
        <p class="muted">
          {t.live.subtitle} {visitors !== null && <strong>{t.live.count(list.length)}</strong>}
        </p>
      </header>
      {error !== null && <p class="field-error" role="alert">{error}</p>}
      {visitors === null ? (
        <p class="muted">{t.common.loading}</p>
      ) : list.length === 0 ? (
        <p class="muted">{t.live.empty}</p>
      ) : (
        <ul class="live-list" aria-label={t.live.title}>
          {list.map((v) => (
            <LiveRow key={v.contact.id} visitor={v} now={now} />
          ))}
        </ul>
      )}
    </main>
  );
}

function LiveRow({ visitor: v, now }: { visitor: LiveVisitor; now: Date }) {
  const [composing, setComposing] = useState(false);
  return (
    <li class="live-row" data-contact-id={v.contact.id}>
      <div class="live-who">
        <strong>{v.contact.name}</strong>
        <span class="badge" data-kind={isIdentified(v.contact) ? "identified" : "anonymous"}>
          {isIdentified(v.contact) ? t.sidebar.identified : t.sidebar.anonymous}
        </span>
        {v.contact.email !== null && <span class="muted">{v.contact.email}</span>}
      </div>
      <div class="live-page">
        <span class="muted">{t.live.page}: </span>
        <PageLink url={v.current_page.url} title={v.current_page.title} />
        <span class="url mono muted">{v.current_page.url}</span>
      </div>
      <div class="live-stats muted">
        {t.live.onSite} {formatDuration(secondsBetween(v.visit_started_at, now))} · {t.live.pages} {v.page_views}
      </div>
      <div class="live-actions">
        {!composing && (
          <button type="button" class="primary small" onClick={() => setComposing(true)}>
            {t.live.startChat}
          </button>
        )}
      </div>
      {composing && <StartChat contactId={v.contact.id} name={v.contact.name} />}
    </li>
  );
}

function StartChat({ contactId, name }: { contactId: string; name: string }) {
  const session = useSession();
  const [body, setBody] = useState("");
  const [clientRef] = useState(() => uuid7());
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  async function send(event: Event) {
    event.preventDefault();
    if (body.trim() === "") return;
    setSending(true);
    setError(null);
    try {
      // The same client_ref on a retry: a double click never sends twice.
      const message = await resources.startChat(contactId, body, clientRef);
      setSentTo(message.conversation_id);
    } catch (err) {
      setError(messageOf(err, t.common.failed));
    } finally {
      setSending(false);
    }
  }

  if (sentTo !== null) {
    return (
      <p class="live-sent" role="status">
        {t.live.sent}{" "}
        <button type="button" class="link" onClick={() => void session.select(sentTo)}>
          {t.live.openChat}
        </button>
      </p>
    );
  }
  return (
    <form class="start-chat" onSubmit={send} aria-label={`${t.live.startChat}: ${name}`}>
      <label>
        {t.live.message}
        <textarea
          rows={2}
          value={body}
          placeholder={t.live.messagePlaceholder}
          maxLength={10_000}
          onInput={(e) => setBody(e.currentTarget.value)}
        />
      </label>
      {error !== null && <p class="field-error" role="alert">{error}</p>}
      <button type="submit" class="primary small" disabled={sending || body.trim() === ""}>
        {t.live.send}
      </button>
    </form>
  );
}
