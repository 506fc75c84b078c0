import { useEffect, useState } from "preact/hooks";
import { loadAgents, messageOf } from "../../contextActions";
import { formatTime } from "../../format";
import { useConsole, useSession } from "../../hooks";
import { resources, type Contact, type SearchResults } from "../../resources";
import { t } from "../../strings";
import { loadList } from "../../visitorContext";
import { OutOfHoursBadge } from "./OutOfHoursBadge";

interface Filters {
  q: string;
  since: string;
  until: string;
  assignee_id: string;
  label: string;
  status: string;
}

const EMPTY: Filters = { q: "", since: "", until: "", assignee_id: "", label: "", status: "" };

/** A day from a date input as the UTC instant the API takes; `end` for the day's last moment. */
export function dayBound(day: string, end: boolean): string | undefined {
  if (day === "") return undefined;
  return `${day}T${end ? "23:59:59.999" : "00:00:00.000"}Z`;
}

/** /console/search: full text across messages and contacts, with filters. */
export function SearchPage() {
  const { store } = useSession();
  const agents = useConsole((s) => s.agents);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [results, setResults] = useState<SearchResults | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    loadAgents(store).catch(() => undefined); // only the agent filter needs them
  }, [store]);

  async function search(event: Event) {
    event.preventDefault();
    if (filters.q.trim() === "") return;
    setBusy(true);
    setError(null);
    try {
      setResults(
        await resources.search({
          q: filters.q.trim(),
          status: filters.status,
          assignee_id: filters.assignee_id,
          label: filters.label.trim(),
          since: dayBound(filters.since, false),
          until: dayBound(filters.until, true),
        }),
      );
    } catch (err) {
      setError(messageOf(err, t.common.failed));
    } finally {
      setBusy(false);
    }
  }

  const set = (key: keyof Filters) => (e: { currentTarget: { value: string } }) =>
    setFilters((f) => ({ ...f, [key]: e.currentTarget.value }));
  return (
    <main class="context-page" aria-labelledby="search-title">
      <header class="page-header">
        <h2 id="search-title">{t.search.title}</h2>
        <p class="muted">{t.search.hint}</p>
      </header>
      <form class="search-form" role="search" onSubmit={search}>
        <input
          type="search"
          aria-label={t.search.label}
          placeholder={t.search.placeholder}
          value={filters.q}
          maxLength={200}
          onInput={set("q")}
        />
        <button type="submit" class="primary" disabled={busy || filters.q.trim() === ""}>
          {t.search.submit}
        </button>
        <div class="search-filters">
          <label>
            {t.search.from}
            <input type="date" value={filters.since} onInput={set("since")} />
          </label>
          <label>
            {t.search.until}
            <input type="date" value={filters.until} onInput={set("until")} />
          </label>
          <label>
            {t.search.agent}
            <select aria-label={t.search.agent} value={filters.assignee_id} onChange={set("assignee_id")}>
              <option value="">{t.search.anyAgent}</option>
              {loadList(agents).map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t.search.labelFilter}
            <input value={filters.label} maxLength={50} onInput={set("label")} />
          </label>
          <label>
            {t.search.status}
            <select aria-label={t.search.status} value={filters.status} onChange={set("status")}>
              <option value="">{t.search.anyStatus}</option>
              {Object.entries(t.search.statuses).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </label>
        </div>
      </form>
      {error !== null && <p class="field-error" role="alert">{error}</p>}
      {results !== null && <Results results={results} />}
    </main>
  );
}

function Results({ results }: { results: SearchResults }) {
  const session = useSession();
  if (results.messages.length === 0 && results.contacts.length === 0) return <p class="muted">{t.search.noResults}</p>;
  return (
    <div class="search-results">
      <section aria-labelledby="search-messages">
        <h3 id="search-messages">{t.search.messages}</h3>
        <ul class="result-list">
          {results.messages.map(({ message, conversation }) => (
            <li key={message.id}>
              <a
                class="result"
                href={`/console/conversations/${encodeURIComponent(conversation.id)}`}
                data-conversation-id={conversation.id}
                onClick={(e) => {
                  e.preventDefault();
                  void session.select(conversation.id);
                }}
              >
                <span class="result-meta">
                  <strong>{message.author.name}</strong>{" "}
                  <span class="muted">
                    {t.search.inConversationWith(conversation.contact.name)} · {formatTime(message.created_at)} ·{" "}
                    {t.search.statuses[conversation.status] ?? conversation.status}
                  </span>{" "}
                  <OutOfHoursBadge conversation={conversation} />
                </span>
                {/* Text only: a link inside this link would be invalid HTML. */}
                <span class="result-body">{message.body}</span>
              </a>
            </li>
          ))}
        </ul>
      </section>
      {results.contacts.length > 0 && (
        <section aria-labelledby="search-contacts">
          <h3 id="search-contacts">{t.search.contacts}</h3>
          <ul class="result-list">
            {results.contacts.map((c) => (
              <ContactResult key={c.id} contact={c} />
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

/** A contact opens their latest conversation. */
function ContactResult({ contact }: { contact: Contact }) {
  const session = useSession();
  async function open() {
    const [latest] = await resources.contactConversations(contact.id).catch(() => []);
    if (latest !== undefined) await session.select(latest.id);
  }
  return (
    <li>
      <button type="button" class="result" onClick={() => void open()}>
        <strong>{contact.name}</strong> <span class="muted">{contact.email ?? ""}</span>
      </button>
    </li>
  );
}
