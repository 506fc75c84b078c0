/**
 * What the loader (widget.js, on every page) hands to the app (widget-app.js, fetched
 * when needed). Types, and the storage keys both sides read.
 */

/** One API call: a method name and its arguments, e.g. ["identify", [{email}]]. */
export type Call = [name: string, args: unknown[]];

export interface LoaderContext {
  key: string;
  /** The server's origin, from the loader's `src`. */
  base: string;
  host: HTMLElement;
  shadow: ShadowRoot;
  launcher: HTMLButtonElement;
  /** Calls made before the app arrived, in order; the app drains it. */
  queue: Call[];
  /** Tells the page's listeners (Frontdesk.on). */
  emit(event: string, data?: unknown): void;
  /** The page view was already reported by the loader (a stored token existed). */
  activitySent: boolean;
}

export interface AppHandle {
  call(name: string, args: unknown[]): void;
}

export type AppFactory = (context: LoaderContext) => AppHandle;

/** localStorage / sessionStorage keys, shared by the loader and the app. */
export const storageKey = (key: string, what: "token" | "ongoing" | "look" | "open" | "prechat" | "transport"): string =>
  `frontdesk:${key}:${what}`;

/** The launcher's look, cached by the app so the loader can draw it right before the app loads. */
export interface CachedLook {
  c?: string; // primary colour
  p?: "left" | "right";
  x?: number;
  y?: number;
}
