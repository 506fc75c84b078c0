import { describe, expect, it } from "vitest";
import { formatBytes, initials, linkify, textOn, typeAllowed } from "./format";

describe("linkify", () => {
  it("links http, https, mailto and www, trimming sentence punctuation", () => {
    expect(linkify("See https://example.com/a?b=1. Or www.acme.io, or mailto:a@b.co!")).toEqual([
      { text: "See " },
      { text: "https://example.com/a?b=1", href: "https://example.com/a?b=1" },
      { text: ". Or " },
      { text: "www.acme.io", href: "https://www.acme.io/" },
      { text: ", or " },
      { text: "mailto:a@b.co", href: "mailto:a@b.co" },
      { text: "!" },
    ]);
  });

  it("never links javascript:, data: or other schemes", () => {
    for (const text of ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:x", "<a href=javascript:alert(1)>x</a>"]) {
      expect(linkify(text).every((s) => s.href === undefined)).toBe(true);
    }
  });

  it("keeps text that merely looks like markup as text", () => {
    expect(linkify('<img src=x onerror="alert(1)">')).toEqual([{ text: '<img src=x onerror="alert(1)">' }]);
  });
});

describe("helpers", () => {
  it("formats sizes", () => {
    expect(formatBytes(500)).toBe("500 B");
    expect(formatBytes(2048)).toBe("2 KB");
    expect(formatBytes(10 * 1024 * 1024)).toBe("10 MB");
  });

  it("matches file types by MIME type, wildcard or extension", () => {
    expect(typeAllowed(["image/png"], { name: "a.png", type: "image/png" })).toBe(true);
    expect(typeAllowed(["image/*"], { name: "a.gif", type: "image/gif" })).toBe(true);
    expect(typeAllowed([".pdf"], { name: "A.PDF", type: "" })).toBe(true);
    expect(typeAllowed(["image/png"], { name: "a.exe", type: "application/x-msdownload" })).toBe(false);
  });

  it("picks readable text colours and initials", () => {
    expect(textOn("#2563eb")).toBe("#ffffff");
    expect(textOn("#fde047")).toBe("#111827");
    expect(initials("Grace Brewster Hopper")).toBe("GH");
    expect(initials("")).toBe("?");
  });
});
