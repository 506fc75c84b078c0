/**
 * The console's URLs (the server serves /console/* as the app):
 * /console, /console/conversations/{id} and /console/settings.
 */
export type Route = { page: "inbox"; conversationId: string | null } | { page: "settings" };

const CONVERSATIONS = "/console/conversations/";
const SETTINGS = "/console/settings";

export function parse(path: string): Route {
  if (path === SETTINGS || path.startsWith(SETTINGS + "/")) return { page: "settings" };
  const id = path.startsWith(CONVERSATIONS) ? decodeURIComponent(path.slice(CONVERSATIONS.length)) : "";
  return { page: "inbox", conversationId: id || null };
}

export function pathOf(route: Route): string {
  if (route.page === "settings") return SETTINGS;
  return route.conversationId === null ? "/console" : CONVERSATIONS + encodeURIComponent(route.conversationId);
}

export function current(): Route {
  return parse(location.pathname);
}

export function go(route: Route): void {
  const path = pathOf(route);
  if (location.pathname !== path) history.pushState(null, "", path);
}
