/**
 * The console's URLs (the server serves /console/* as the app):
 * /console, /console/conversations/{id}, /console/settings[/{section}], /console/visitors,
 * /console/search, /console/supervisor, /console/invite/{token} and
 * /console/reset-password/{token} (the emailed link).
 */
export type Route =
  | { page: "inbox"; conversationId: string | null }
  | { page: "settings"; section?: string }
  | { page: "visitors" }
  | { page: "search" }
  | { page: "supervisor" }
  | { page: "invite"; token: string }
  | { page: "reset"; token: string };

const CONVERSATIONS = "/console/conversations/";
const SETTINGS = "/console/settings";

/** Pages that are one fixed path each. */
const PLAIN_PAGES = { "/console/visitors": "visitors", "/console/search": "search", "/console/supervisor": "supervisor" } as const;
const INVITE = "/console/invite/";
const RESET = "/console/reset-password/";

export function parse(path: string): Route {
  if (path === SETTINGS) return { page: "settings" };
  if (path.startsWith(SETTINGS + "/")) return { page: "settings", section: decodeURIComponent(path.slice(SETTINGS.length + 1)) };
  if (Object.hasOwn(PLAIN_PAGES, path)) return { page: PLAIN_PAGES[path as keyof typeof PLAIN_PAGES] };
  if (path.startsWith(INVITE)) return { page: "invite", token: decodeURIComponent(path.slice(INVITE.length)) };
  if (path.startsWith(RESET)) return { page: "reset", token: decodeURIComponent(path.slice(RESET.length)) };
  const id = path.startsWith(CONVERSATIONS) ? decodeURIComponent(path.slice(CONVERSATIONS.length)) : "";
  return { page: "inbox", conversationId: id || null };
}

export function pathOf(route: Route): string {
  if (route.page === "settings") return route.section ? `${SETTINGS}/${encodeURIComponent(route.section)}` : SETTINGS;
  if (route.page === "invite") return INVITE + encodeURIComponent(route.token);
  if (route.page === "reset") return RESET + encodeURIComponent(route.token);
  if (route.page !== "inbox") return `/console/${route.page}`;
  return route.conversationId === null ? "/console" : CONVERSATIONS + encodeURIComponent(route.conversationId);
}

export function current(): Route {
  return parse(location.pathname);
}

export function go(route: Route): void {
  const path = pathOf(route);
  if (location.pathname !== path) history.pushState(null, "", path);
}
