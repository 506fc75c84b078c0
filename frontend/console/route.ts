/** The console's URLs: /console and /console/conversations/{id} (the server serves both). */
const PREFIX = "/console/conversations/";

export function current(): string | null {
  const path = location.pathname;
  return path.startsWith(PREFIX) ? decodeURIComponent(path.slice(PREFIX.length)) || null : null;
}

export function go(id: string | null): void {
  const path = id === null ? "/console" : PREFIX + encodeURIComponent(id);
  if (location.pathname !== path) history.pushState(null, "", path);
}
