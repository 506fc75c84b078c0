import {
  MAX_PRECHAT_FIELDS,
  newPrechatField,
  type DraftChange,
  type FieldType,
  type PrechatFieldDraft,
  type WidgetDraft,
} from "../../settingsDraft";
import { ErrorText, Toggle, useControl } from "./Field";

interface Props {
  draft: WidgetDraft;
  change: DraftChange;
}

/** The form a visitor fills in before the first message. */
export function PrechatSection({ draft, change }: Props) {
  const fields = draft.prechat_fields;
  const list = useControl("settings.prechat.fields");
  const setField = (index: number, value: PrechatFieldDraft) =>
    change("prechat_fields", fields.map((f, i) => (i === index ? value : f)));
  return (
    <fieldset class="card settings-section">
      <legend>Pre-chat form</legend>
      <Toggle
        field="settings.prechat.enabled"
        label="Ask visitors to fill in a form before the chat"
        hint="name, email and phone fill the contact; other names become custom attributes."
        checked={draft.prechat_enabled}
        onChange={(v) => change("prechat_enabled", v)}
      />
      {draft.prechat_enabled && (
        <div class="prechat-fields">
          {fields.length > 0 && (
            <div class="prechat-head" aria-hidden="true">
              <span>Name</span>
              <span>Label</span>
              <span>Type</span>
              <span>Required</span>
              <span />
            </div>
          )}
          {fields.map((f, i) => (
            <PrechatFieldRow
              key={i}
              index={i}
              field={f}
              onChange={(value) => setField(i, value)}
              onRemove={() => change("prechat_fields", fields.filter((_, j) => j !== i))}
            />
          ))}
          <ErrorText field="settings.prechat.fields" message={list.message} />
          <button
            type="button"
            class="ghost small"
            disabled={fields.length >= MAX_PRECHAT_FIELDS}
            onClick={() => change("prechat_fields", [...fields, newPrechatField(fields)])}
          >
            + Add field
          </button>
        </div>
      )}
    </fieldset>
  );
}

interface RowProps {
  index: number;
  field: PrechatFieldDraft;
  onChange: (field: PrechatFieldDraft) => void;
  onRemove: () => void;
}

function PrechatFieldRow({ index, field, onChange, onRemove }: RowProps) {
  const base = `settings.prechat.fields.${index}`;
  const row = useControl(base);
  const name = useControl(`${base}.name`);
  const label = useControl(`${base}.label`);
  const type = useControl(`${base}.type`);
  const n = index + 1;
  const controls: [string, { message: string | null }][] = [
    [base, row],
    [`${base}.name`, name],
    [`${base}.label`, label],
    [`${base}.type`, type],
  ];
  const [failedField, failed] = controls.find(([, c]) => c.message !== null) ?? [base, row];
  return (
    <div class="prechat-row" data-field-index={index}>
      <input
        {...name.props}
        aria-label={`Field ${n} name`}
        class="mono"
        spellcheck={false}
        value={field.name}
        onInput={(e) => onChange({ ...field, name: e.currentTarget.value })}
      />
      <input
        {...label.props}
        aria-label={`Field ${n} label`}
        placeholder="What the visitor sees"
        value={field.label}
        onInput={(e) => onChange({ ...field, label: e.currentTarget.value })}
      />
      <select
        {...type.props}
        aria-label={`Field ${n} type`}
        value={field.type}
        onChange={(e) => onChange({ ...field, type: e.currentTarget.value as FieldType })}
      >
        <option value="text">Text</option>
        <option value="email">Email</option>
        <option value="tel">Phone</option>
      </select>
      <label class="checkbox">
        <input
          type="checkbox"
          aria-label={`Field ${n} required`}
          checked={field.required}
          onChange={(e) => onChange({ ...field, required: e.currentTarget.checked })}
        />
        <span class="sr-only">Required</span>
      </label>
      <button type="button" class="icon-button" aria-label={`Remove field ${n}`} onClick={onRemove}>
        ×
      </button>
      <ErrorText field={failedField} message={failed.message} />
    </div>
  );
}
