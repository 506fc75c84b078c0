import type { PageViewData } from "../../../shared/events.gen";
import { useNow } from "../../clock";
import { formatTime } from "../../format";
import { t } from "../../strings";
import { formatDuration, referrerOf, timeOnPages } from "../../visitorContext";
import { PageLink } from "./PageLink";

/** How often the time on the current page is redrawn. */
const TICK_MS = 5_000;
/** Recent pages shown under the current one; the rest are older than anyone reads. */
const RECENT_SHOWN = 10;

/** The page the visitor is on now (live), where they came from, and where they were. */
export function PageTrail({ views }: { views: readonly PageViewData[] }) {
  const now = useNow(TICK_MS);
  const timed = timeOnPages(views, now);
  const [current, ...earlier] = timed;
  const referrer = referrerOf(views);
  return (
    <>
      <section class="sidebar-section" aria-labelledby="sidebar-current-page">
        <h3 id="sidebar-current-page">{t.sidebar.currentPage}</h3>
        {current === undefined ? (
          <p class="muted">{t.sidebar.noPages}</p>
        ) : (
          <div class="current-page" data-testid="current-page" aria-live="polite">
            <PageLink url={current.view.url} title={current.view.title} />
            <p class="url mono">{current.view.url}</p>
            <p class="muted">{t.sidebar.onPageFor(formatDuration(current.seconds))}</p>
          </div>
        )}
        <p class="referrer">
          <span class="muted">{t.sidebar.referrer}: </span>
          {referrer === null ? t.sidebar.direct : <PageLink url={referrer} />}
        </p>
      </section>
      {earlier.length > 0 && (
        <section class="sidebar-section" aria-labelledby="sidebar-recent-pages">
          <h3 id="sidebar-recent-pages">{t.sidebar.recentPages}</h3>
          <ol class="page-trail">
            {earlier.slice(0, RECENT_SHOWN).map(({ view, seconds }) => (
              <li key={view.created_at + view.url}>
                <PageLink url={view.url} title={view.title} />
                <span class="muted">
                  {formatTime(view.created_at)} · {formatDuration(seconds)}
                </span>
              </li>
            ))}
          </ol>
        </section>
      )}
    </>
  );
}
