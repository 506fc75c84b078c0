import type { Route } from "../../route";
import { LiveVisitorsPage } from "./LiveVisitorsPage";
import { SearchPage } from "./SearchPage";
import { SupervisorPage } from "./SupervisorPage";

/** The pages beside the inbox: live visitors, search and the supervisor view. */
export function ContextPage({ page }: { page: Route["page"] }) {
  if (page === "visitors") return <LiveVisitorsPage />;
  if (page === "search") return <SearchPage />;
  if (page === "supervisor") return <SupervisorPage />;
  return null;
}
