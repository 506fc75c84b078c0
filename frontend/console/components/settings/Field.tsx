/**
 * Labelled form controls for the settings page. The server's 422 names one field
 * ("settings.offset_x"); the control with that name shows its message and is marked
 * invalid, wherever it is in the form.
 */
import { createContext, type ComponentChildren } from "preact";
import { useContext } from "preact/hooks";
import { inputId } from "../../settingsDraft";

export interface FieldError {
  /** The form control the message belongs to, or null when none matches. */
  target: string | null;
  message: string;
}

export const FieldErrorContext = createContext<FieldError | null>(null);

/** The attributes that tie a control to its label and its error message. */
export function useControl(field: string) {
  const error = useContext(FieldErrorContext);
  const id = inputId(field);
  const message = error !== null && error.target === field ? error.message : null;
  return {
    message,
    props: {
      id,
      name: field,
      "aria-invalid": message !== null ? ("true" as const) : undefined,
      "aria-describedby": message !== null ? `${id}-error` : undefined,
    },
  };
}

export function ErrorText({ field, message }: { field: string; message: string | null }) {
  if (message === null) return null;
  return (
    <p class="field-error" id={`${inputId(field)}-error`} role="alert" data-field={field}>
      {message}
    </p>
  );
}

interface FieldProps {
  field: string;
  label: string;
  hint?: string;
  children: (props: ReturnType<typeof useControl>["props"]) => ComponentChildren;
}

/** A label, the control (given its ids), a hint and the server's error for it. */
export function Field({ field, label, hint, children }: FieldProps) {
  const { message, props } = useControl(field);
  return (
    <div class="field" data-invalid={message !== null ? "true" : undefined}>
      <label for={props.id}>{label}</label>
      {children(props)}
      {hint !== undefined && <p class="hint">{hint}</p>}
      <ErrorText field={field} message={message} />
    </div>
  );
}

interface ToggleProps {
  field: string;
  label: string;
  hint?: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}

/** An on/off setting, drawn as a switch (a real checkbox underneath). */
export function Toggle({ field, label, hint, checked, onChange }: ToggleProps) {
  const { message, props } = useControl(field);
  return (
    <div class="field toggle-field">
      <label class="toggle">
        <input type="checkbox" role="switch" {...props} checked={checked} onChange={(e) => onChange(e.currentTarget.checked)} />
        <span class="switch" aria-hidden="true" />
        <span>
          <span class="toggle-label">{label}</span>
          {hint !== undefined && <span class="hint">{hint}</span>}
        </span>
      </label>
      <ErrorText field={field} message={message} />
    </div>
  );
}
