import { describe, expect, it } from "vitest";
import type { Website } from "./api";
import { draftOf, errorTarget, newPrechatField, patchOf } from "./settingsDraft";

const website: Website = {
  id: "w1",
  name: "Acme",
  url: "",
  widget_key: "k",
  identity_verification: false,
  snippet: "<script></script>",
  settings: {
    title: "Chat with us",
    greeting: "Hi!",
    away_message: "Away",
    primary_color: "#2563eb",
    position: "right",
    offset_x: 20,
    offset_y: 24,
    theme: "light",
    logo_url: null,
    show_agent_names: true,
    show_agent_avatars: false,
    locale: null,
    prechat: { enabled: true, fields: [{ name: "email", label: "Email", type: "email", required: true }] },
    attachments: { enabled: true, max_bytes: 10485760, types: ["image/png", "application/pdf"] },
    rating_enabled: true,
    transcript_enabled: false,
    site_notes_enabled: true,
    site_messages_enabled: false,
  },
};

describe("the settings form", () => {
  it("round-trips the website's settings unchanged", () => {
    const patch = patchOf(draftOf(website));
    expect(patch.name).toBe("Acme");
    expect(patch.settings).toEqual(website.settings);
  });

  it("turns the form's text into the API's values", () => {
    const draft = { ...draftOf(website), offset_x: " 40 ", locale: "fr", logo_url: " ", attachments_max_mb: "2.5" };
    draft.attachments_types = "image/png, image/jpeg\ntext/plain";
    const settings = patchOf(draft).settings!;
    expect(settings["offset_x"]).toBe(40);
    expect(settings["locale"]).toBe("fr");
    expect(settings["logo_url"]).toBeNull();
    expect(settings["attachments"]).toEqual({
      enabled: true,
      max_bytes: 2.5 * 1024 * 1024,
      types: ["image/png", "image/jpeg", "text/plain"],
    });
  });

  it("leaves a value it cannot read for the server to explain", () => {
    expect(patchOf({ ...draftOf(website), offset_y: "12px" }).settings!["offset_y"]).toBe("12px");
  });

  it("names new pre-chat fields uniquely", () => {
    const first = newPrechatField([]);
    expect(newPrechatField([first]).name).not.toBe(first.name);
  });

  it("places an error on the closest control the form has", () => {
    const known = new Set(["settings.offset_x", "settings.attachments.types", "settings.prechat.fields.0.name"]);
    expect(errorTarget("settings.offset_x", known)).toBe("settings.offset_x");
    expect(errorTarget("settings.attachments.types.3", known)).toBe("settings.attachments.types");
    expect(errorTarget("settings.unknown", known)).toBeNull();
  });
});
