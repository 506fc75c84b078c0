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
  else node.setAttribute(name, value === true ? "" : value);
}

/** Replaces the text of `node` if it changed (keeps screen readers quiet otherwise). */
export function setText(node: Node, text: string): void {
  if (node.textContent !== text) node.textContent = text;
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

export const CHAT_ICON = "M4 5h16v11H8l-4 4z";
export const CLOSE_ICON = "M6 6l12 12M18 6L6 18";
