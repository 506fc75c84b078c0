/**
 * A drawing of the widget with the form's current values: the launcher in its corner and
 * the open chat. Static markup, no iframe; it follows the form as the admin types.
 */
import { useState } from "preact/hooks";
import { textOn } from "../../format";
import { safeFileUrl } from "../../../shared/text";
import type { WidgetDraft } from "../../settingsDraft";

/** The preview page is a third of a real one's width: larger offsets are drawn as this. */
const MAX_PREVIEW_OFFSET = 60;

type Mode = "online" | "away";

export function WidgetPreview({ draft }: { draft: WidgetDraft }) {
  const [mode, setMode] = useState<Mode>("online");
  const color = /^#[0-9a-f]{6}$/i.test(draft.primary_color) ? draft.primary_color : "#2563eb";
  const dark = draft.theme === "dark" || (draft.theme === "auto" && prefersDark());
  const style = {
    "--pv-primary": color,
    "--pv-on-primary": textOn(color),
    "--pv-x": `${offset(draft.offset_x)}px`,
    "--pv-y": `${offset(draft.offset_y)}px`,
  };
  return (
    <section class="card preview-card" aria-labelledby="preview-title">
      <div class="preview-top">
        <h3 id="preview-title">Preview</h3>
        <div class="segmented" role="group" aria-label="Preview as">
          {(["online", "away"] as const).map((m) => (
            <button key={m} type="button" aria-pressed={mode === m} onClick={() => setMode(m)}>
              {m === "online" ? "Agents online" : "Nobody online"}
            </button>
          ))}
        </div>
      </div>
      <div
        class="widget-preview"
        data-position={draft.position}
        data-theme={dark ? "dark" : "light"}
        style={style}
      >
        <div class="pv-page" aria-hidden="true">
          <span class="pv-line wide" />
          <span class="pv-line" />
          <span class="pv-line short" />
        </div>
        <div class="pv-panel">
          <PreviewHeader draft={draft} mode={mode} />
          {mode === "away" ? <AwayBody draft={draft} /> : <OnlineBody draft={draft} />}
        </div>
        <span class="pv-launcher" aria-hidden="true">
          <ChatIcon />
        </span>
      </div>
      <p class="hint">
        {draft.theme === "auto" ? `Theme follows each visitor's system (shown: ${dark ? "dark" : "light"}). ` : ""}
        Position and colors apply to open widgets as soon as you save.
      </p>
    </section>
  );
}

function PreviewHeader({ draft, mode }: { draft: WidgetDraft; mode: Mode }) {
  const logo = draft.logo_url.trim() === "" ? null : safeFileUrl(draft.logo_url.trim());
  return (
    <div class="pv-header">
      {logo !== null && <img class="pv-logo" src={logo} alt="" onError={(e) => (e.currentTarget.hidden = true)} />}
      <div class="pv-heading">
        <span class="pv-title">{draft.title || "Chat with us"}</span>
        <span class="pv-status">{mode === "online" ? "We reply in a few minutes" : "Away"}</span>
      </div>
      <span class="pv-close">×</span>
    </div>
  );
}

function OnlineBody({ draft }: { draft: WidgetDraft }) {
  const agent = draft.show_agent_names ? "Grace" : draft.name || "Support";
  return (
    <>
      <div class="pv-log">
        <p class="pv-bubble theirs pv-greeting">{draft.greeting || "Hi! How can we help you today?"}</p>
        {draft.prechat_enabled ? null : (
          <>
            <p class="pv-bubble ours">Do you ship to Norway?</p>
            <div class="pv-agent">
              {draft.show_agent_avatars && <span class="pv-avatar">{draft.show_agent_names ? "G" : "S"}</span>}
              <div>
                <span class="pv-name">{agent}</span>
                <p class="pv-bubble theirs">Yes, to all of Europe!</p>
              </div>
            </div>
          </>
        )}
      </div>
      {draft.prechat_enabled ? <PrechatPreview draft={draft} /> : <Composer attachments={draft.attachments_enabled} />}
    </>
  );
}

function PrechatPreview({ draft }: { draft: WidgetDraft }) {
  return (
    <div class="pv-form">
      {draft.prechat_fields.map((f, i) => (
        <span key={i} class="pv-input">
          {f.label || f.name}
          {f.required ? " *" : ""}
        </span>
      ))}
      <span class="pv-button">Start chat</span>
    </div>
  );
}

function AwayBody({ draft }: { draft: WidgetDraft }) {
  return (
    <>
      <div class="pv-log">
        <p class="pv-bubble theirs pv-away">
          {draft.away_message || "We're away right now. Leave a message and we'll get back to you by email."}
        </p>
      </div>
      <div class="pv-form">
        <span class="pv-input">Name</span>
        <span class="pv-input">Email</span>
        <span class="pv-input tall">Message</span>
        <span class="pv-button">Send</span>
      </div>
    </>
  );
}

function Composer({ attachments }: { attachments: boolean }) {
  return (
    <div class="pv-composer">
      {attachments && (
        <span class="pv-clip">
          <svg viewBox="0 0 24 24" width="15" height="15" fill="none" stroke="currentColor" stroke-width="2">
            <path d="M21.4 11.1 12.2 20.3a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5" />
          </svg>
        </span>
      )}
      <span class="pv-placeholder">Type your message…</span>
      <span class="pv-send">Send</span>
    </div>
  );
}

function ChatIcon() {
  return (
    <svg viewBox="0 0 24 24" width="26" height="26" fill="currentColor" aria-hidden="true">
      <path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z" />
    </svg>
  );
}

function offset(text: string): number {
  const value = Number(text);
  return Number.isFinite(value) ? Math.min(Math.max(Math.round(value), 0), MAX_PREVIEW_OFFSET) : 20;
}

function prefersDark(): boolean {
  return typeof matchMedia === "function" && matchMedia("(prefers-color-scheme: dark)").matches;
}
