/**
 * Windowing for long lists: only the rows in view (plus a margin) are rendered, with
 * spacers above and below standing in for the rest, so an inbox of thousands of rows
 * costs the DOM a few dozen. Rows have one fixed height, which keeps this arithmetic.
 */

export interface WindowInput {
  scrollTop: number;
  /** Height of the scrolling box. */
  viewport: number;
  rowHeight: number;
  count: number;
  /** Rows rendered beyond each edge, so fast scrolling does not show blanks. */
  overscan: number;
}

export interface RowWindow {
  /** First rendered row (inclusive) and last (exclusive). */
  start: number;
  end: number;
  padTop: number;
  padBottom: number;
}

export function windowOf({ scrollTop, viewport, rowHeight, count, overscan }: WindowInput): RowWindow {
  if (count === 0 || rowHeight <= 0) return { start: 0, end: 0, padTop: 0, padBottom: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const visible = Math.ceil(Math.max(0, viewport) / rowHeight) + 1;
  const start = Math.min(count, Math.max(0, first - overscan));
  const end = Math.min(count, first + visible + overscan);
  return { start, end, padTop: start * rowHeight, padBottom: (count - end) * rowHeight };
}

/** The scrollTop that brings row `index` fully into view, or null when it already is. */
export function scrollToShow(index: number, scrollTop: number, viewport: number, rowHeight: number): number | null {
  const top = index * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewport) return top + rowHeight - viewport;
  return null;
}

/** True when the window reaches within `margin` rows of the end: time to load the next page. */
export function nearEnd(window: RowWindow, count: number, margin: number): boolean {
  return count - window.end <= margin;
}
