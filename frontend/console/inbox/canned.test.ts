import { describe, expect, it } from "vitest";
import { cannedTrigger, fillPlaceholders, filterCanned, replaceRange, type CannedResponse } from "./canned";
import { filterMentionable, mentionTrigger } from "./mentions";

const ctx = {
  contact: { name: "Ada Lovelace", email: "ada@example.com", phone: null, custom_attributes: { plan: "Pro", seats: 12 } },
  agent: { name: "Grace Hopper" },
};

describe("placeholders", () => {
  it("fills contact, agent and custom attributes", () => {
    const body = "Hi {{contact.first_name}} ({{ contact.email }}), your {{contact.plan}} plan has {{contact.seats}} seats. — {{agent.name}}";
    expect(fillPlaceholders(body, ctx)).toBe("Hi Ada (ada@example.com), your Pro plan has 12 seats. — Grace Hopper");
  });

  it("empties what the conversation does not know and keeps other braces", () => {
    expect(fillPlaceholders("{{contact.phone}}|{{contact.company}}|{{ticket.id}}", ctx)).toBe("||{{ticket.id}}");
  });

  it("never interprets the values (they are text)", () => {
    const evil = { ...ctx, contact: { ...ctx.contact, name: "<img src=x onerror=alert(1)> {{agent.name}}" } };
    expect(fillPlaceholders("Hi {{contact.name}}", evil)).toBe("Hi <img src=x onerror=alert(1)> {{agent.name}}");
  });
});

describe("the / picker", () => {
  const list: CannedResponse[] = [
    { id: "1", shortcut: "refund", body: "Refunds take five days", shared: true },
    { id: "2", shortcut: "hello", body: "Hi there", shared: true },
    { id: "3", shortcut: "shipping-refund", body: "We ship worldwide", shared: false },
  ];

  it("opens on a slash at the start of a word, up to the caret", () => {
    expect(cannedTrigger("/ref", 4)).toEqual({ start: 0, query: "ref" });
    expect(cannedTrigger("thanks! /he", 11)).toEqual({ start: 8, query: "he" });
    expect(cannedTrigger("and/or", 6)).toBeNull();
    expect(cannedTrigger("/refund now", 11)).toBeNull();
  });

  it("ranks shortcut prefixes first, then shortcut and body matches", () => {
    expect(filterCanned(list, "ref").map((c) => c.id)).toEqual(["1", "3"]);
    expect(filterCanned(list, "worldwide").map((c) => c.id)).toEqual(["3"]);
    expect(filterCanned(list, "").length).toBe(3);
  });

  it("replaces the typed shortcut and puts the caret after the insertion", () => {
    expect(replaceRange("Thanks /ref!", 7, 11, "Refunds take five days")).toEqual({ text: "Thanks Refunds take five days!", caret: 29 });
  });
});

describe("@mentions", () => {
  const agents = [
    { id: "a", name: "Grace Hopper" },
    { id: "b", name: "Alan Turing" },
    { id: "me", name: "Ada Lovelace" },
    { id: "c", name: "Gone Agent", active: false },
  ];
  it("offers active teammates by any word of their name, never oneself", () => {
    expect(mentionTrigger("cc @hop", 7)).toEqual({ start: 3, query: "hop" });
    expect(mentionTrigger("mail@example", 12)).toBeNull();
    expect(filterMentionable(agents, "hop", "me").map((a) => a.id)).toEqual(["a"]);
    expect(filterMentionable(agents, "", "me").map((a) => a.id)).toEqual(["b", "a"]);
  });
});
