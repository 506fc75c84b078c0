import type { DraftChange, Theme, WidgetDraft } from "../../settingsDraft";
import { Field } from "./Field";

interface Props {
  draft: WidgetDraft;
  change: DraftChange;
}

const THEMES: readonly [Theme, string][] = [
  ["light", "Light"],
  ["dark", "Dark"],
  ["auto", "Auto (follows the visitor's system)"],
];

/** Colour, theme, logo and where the launcher sits. */
export function LookSection({ draft, change }: Props) {
  return (
    <fieldset class="card settings-section">
      <legend>Look</legend>
      <div class="field-row">
        <Field field="settings.primary_color" label="Primary color" hint="Launcher, header and the team's messages.">
          {(props) => (
            <span class="color-field">
              <input
                {...props}
                type="color"
                value={/^#[0-9a-f]{6}$/i.test(draft.primary_color) ? draft.primary_color : "#2563eb"}
                onInput={(e) => change("primary_color", e.currentTarget.value)}
              />
              <input
                class="color-hex"
                aria-label="Primary color (hex)"
                value={draft.primary_color}
                spellcheck={false}
                onInput={(e) => change("primary_color", e.currentTarget.value.trim())}
              />
            </span>
          )}
        </Field>
        <Field field="settings.theme" label="Theme">
          {(props) => (
            <select {...props} value={draft.theme} onChange={(e) => change("theme", e.currentTarget.value as Theme)}>
              {THEMES.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Field
        field="settings.logo_url"
        label="Logo URL"
        hint="https://… or a path on this server. Leave empty for no logo."
      >
        {(props) => (
          <input
            {...props}
            type="url"
            inputMode="url"
            placeholder="https://example.com/logo.png"
            value={draft.logo_url}
            onInput={(e) => change("logo_url", e.currentTarget.value)}
          />
        )}
      </Field>
      <div class="field-row">
        <Field field="settings.position" label="Launcher position">
          {(props) => (
            <select
              {...props}
              value={draft.position}
              onChange={(e) => change("position", e.currentTarget.value === "left" ? "left" : "right")}
            >
              <option value="right">Bottom right</option>
              <option value="left">Bottom left</option>
            </select>
          )}
        </Field>
        <Field field="settings.offset_x" label="Side offset (px)">
          {(props) => (
            <input
              {...props}
              type="number"
              min={0}
              max={400}
              value={draft.offset_x}
              onInput={(e) => change("offset_x", e.currentTarget.value)}
            />
          )}
        </Field>
        <Field field="settings.offset_y" label="Bottom offset (px)">
          {(props) => (
            <input
              {...props}
              type="number"
              min={0}
              max={400}
              value={draft.offset_y}
              onInput={(e) => change("offset_y", e.currentTarget.value)}
            />
          )}
        </Field>
      </div>
    </fieldset>
  );
}
