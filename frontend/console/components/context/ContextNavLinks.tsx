import type { Route } from "../../route";
import { useConsole, useSession } from "../../hooks";
import { t } from "../../strings";
import { canSupervise } from "./SupervisorPage";

/** The top bar's links to live visitors, search and (for those who may) the supervisor view. */
export function ContextNavLinks() {
  const session = useSession();
  const page = useConsole((s) => s.page);
  const role = useConsole((s) => s.me?.agent.role);
  const pages: Route["page"][] = canSupervise(role) ? ["visitors", "search", "supervisor"] : ["visitors", "search"];
  return (
    <>
      {pages.map((p) => (
        <a
          key={p}
          href={`/console/${p}`}
          aria-current={page === p ? "page" : undefined}
          onClick={(e) => {
            if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
            e.preventDefault();
            void session.navigate({ page: p } as Route);
          }}
        >
          {t.nav[p as "visitors" | "search" | "supervisor"]}
        </a>
      ))}
    </>
  );
}
