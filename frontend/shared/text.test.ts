import { describe, expect, it } from "vitest";
import { linkify, safeFileUrl } from "./text";

describe("linkify", () => {
  it("links http(s), mailto and www., leaving sentence punctuation outside", () => {
    expect(linkify("See https://example.com/a. Or mail me:x@y.z, www.acme.io!")).toEqual([
      { text: "See " },
      { text: "https://example.com/a", href: "https://example.com/a" },
      { text: ". Or mail me:x@y.z, " },
      { text: "www.acme.io", href: "https://www.acme.io/" },
      { text: "!" },
    ]);
    expect(linkify("mailto:ada@example.com")).toEqual([{ text: "mailto:ada@example.com", href: "mailto:ada@example.com" }]);
  });

  it("keeps anything else as text", () => {
    const text = "<img src=x onerror=window.__pwned=1> javascript:alert(1) data:text/html,<b>x</b>";
    expect(linkify(text)).toEqual([{ text }]);
  });
});

describe("safeFileUrl", () => {
  it("takes server paths and http(s), nothing else", () => {
    expect(safeFileUrl("/api/v1/attachments/abc/a.png")).toBe("/api/v1/attachments/abc/a.png");
    expect(safeFileUrl("https://cdn.example.com/a.png")).toBe("https://cdn.example.com/a.png");
    expect(safeFileUrl("//evil.example/a.png")).toBeNull();
    expect(safeFileUrl("javascript:alert(1)")).toBeNull();
  });
});
