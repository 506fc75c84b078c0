/**
 * A few lines instead of a UI framework (the widget loads on every page of every
 * customer's site). Text only ever goes in through text nodes: nothing is parsed as HTML.
 */
type Child = Node | string;
type Attrs = Record<string, string | boolean | undefined>;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) setAttr(node, name, value);
  node.append(...children); // strings become Text nodes
  return node;
}

export function setAttr(node: Element, name: string, value: string | boolean | undefined): void {
  if (value === undefined || value === false) node.removeAttribute(name);
  else if (node.getAttribute(name) !== (value === true ? "" : value)) node.setAttribute(name, value === true ? "" : value);
}

/** Replaces the text of `node` if it changed (keeps screen readers quiet otherwise). */
export function setText(node: Node, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

/** A button with a click handler. */
export function button(attrs: Attrs, onClick: (ev: MouseEvent) => void, ...children: Child[]): HTMLButtonElement {
  const node = el("button", { type: "button", ...attrs }, ...children);
  node.addEventListener("click", onClick);
  return node;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** A 24×24 line icon from one path. */
export function icon(path: string): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  const p = document.createElementNS(SVG_NS, "path");
  p.setAttribute("d", path);
  svg.append(p);
  return svg;
}

export const CLOSE_ICON = "M6 6l12 12M18 6L6 18";
export const CLIP_ICON = "M21 11l-8.5 8.5a5 5 0 01-7-7L14 4a3.5 3.5 0 015 5l-8.5 8.5a2 2 0 01-3-3L15 7";
export const SMILE_ICON = "M12 21a9 9 0 100-18 9 9 0 000 18zM8 14s1.5 2 4 2 4-2 4-2M9 9h.01M15 9h.01";

let ids = 0;
/** A unique id inside the shadow root, for label/aria links. */
export function uid(prefix: string): string {
  return `fd-${prefix}-${++ids}`;
}
