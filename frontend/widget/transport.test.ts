import { describe, expect, it } from "vitest";
import { pickLocale, directionOf, fill, stringsFor } from "./i18n";
import en from "./i18n/en";
import { readEvents } from "./transport";

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(encoder.encode(c));
      controller.close();
    },
  });
}

describe("readEvents (the HTTP fallback's SSE parser)", () => {
  it("gives each event's data once, across chunk boundaries, skipping comments", async () => {
    const got: string[] = [];
    await readEvents(streamOf(['data: {"type":"wel', 'come"}\n\n: ping\n\n', "data: {\"type\":\"synced\"}\r\n\r\n", "data:x\n"]), (d) => got.push(d));
    expect(got).toEqual(['{"type":"welcome"}', '{"type":"synced"}']);
  });
});

describe("languages", () => {
  it("picks the first language we speak, else English", () => {
    expect(pickLocale([null, "fr-CA", "de"])).toBe("fr");
    expect(pickLocale([undefined, "xx", "pt_BR"])).toBe("pt");
    expect(pickLocale(["sw"])).toBe("en");
  });

  it("has every string in all twelve languages, Arabic right to left", () => {
    for (const code of ["en", "de", "fr", "es", "pt", "it", "nl", "pl", "tr", "ja", "zh", "ar"]) {
      const strings = stringsFor(code);
      expect(Object.keys(strings).sort()).toEqual(Object.keys(en).sort());
      expect(Object.values(strings).every((s) => s.trim() !== "")).toBe(true);
      if (code !== "en") expect(strings.openChat).not.toBe(en.openChat);
      expect(strings.queue).toMatch(/\{n\}.*\{m\}|\{m\}.*\{n\}/s);
      expect(strings.queueSoon).toContain("{n}");
    }
    expect(directionOf("ar")).toBe("rtl");
    expect(directionOf("fr")).toBe("ltr");
    expect(fill("{name} is typing…", { name: "Ada" })).toBe("Ada is typing…");
  });
});
