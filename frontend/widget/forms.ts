/**
 * The forms the panel can show: pre-chat (who are you?), offline (leave a message), and
 * the card after a conversation ends (rating 1–5 + comment, transcript by email). Each
 * is built once; update() relabels it for the current language.
 */
import { button, el, setAttr, setText, uid } from "./dom";
import { fill, type Strings } from "./i18n";
import type { PrechatField } from "./settings";

export type FormValues = Record<string, string>;
export interface Field {
  name: string;
  label: string;
  type: "text" | "email" | "tel" | "textarea";
  required: boolean;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A labelled form with its own error line; `submit` gets the values once they are valid. */
export class SimpleForm {
  readonly node: HTMLFormElement;
  private readonly intro = el("p", { class: "fd-intro" });
  private readonly error = el("p", { class: "fd-error", role: "alert" });
  private readonly submitButton = el("button", { class: "fd-primary", type: "submit" });
  private inputs: { field: Field; input: HTMLInputElement | HTMLTextAreaElement; label: HTMLElement }[] = [];
  private readonly fieldBox = el("div", { class: "fd-fields" });
  private fieldsKey = "";

  constructor(
    private readonly className: string,
    private readonly submit: (values: FormValues) => Promise<void>,
  ) {
    this.node = el("form", { class: `fd-form ${className}`, novalidate: true }, this.intro, this.fieldBox, this.error, this.submitButton);
    this.node.addEventListener("submit", (ev) => {
      ev.preventDefault();
      void this.onSubmit();
    });
  }

  update(t: Strings, intro: string, fields: Field[], submitLabel: string, prefill: FormValues = {}): void {
    setText(this.intro, intro);
    setText(this.submitButton, submitLabel);
    setAttr(this.node, "aria-label", submitLabel);
    const key = JSON.stringify(fields.map((f) => [f.name, f.type, f.required]));
    if (key !== this.fieldsKey) {
      this.fieldsKey = key;
      this.inputs = fields.map((field) => {
        const id = uid(field.name);
        const attrs = { id, name: field.name, required: field.required, "aria-required": field.required ? "true" : undefined };
        const input =
          field.type === "textarea"
            ? el("textarea", { ...attrs, rows: "4" })
            : el("input", { ...attrs, type: field.type, autocomplete: autocomplete(field.name) });
        if (prefill[field.name]) input.value = prefill[field.name]!;
        return { field, input, label: el("label", { for: id }) };
      });
      this.fieldBox.replaceChildren(...this.inputs.map((i) => el("div", { class: "fd-field" }, i.label, i.input)));
    }
    for (const { field, label } of this.inputs) setText(label, field.label + (field.required ? " *" : ""));
    this.t = t;
  }

  private t: Strings | null = null;

  focus(): void {
    this.inputs[0]?.input.focus();
  }

  private async onSubmit(): Promise<void> {
    const t = this.t!;
    const values: FormValues = {};
    for (const { field, input } of this.inputs) {
      const value = input.value.trim();
      const problem =
        field.required && value === "" ? fill(t.required, { field: field.label }) : field.type === "email" && value !== "" && !EMAIL.test(value) ? t.badEmail : null;
      setAttr(input, "aria-invalid", problem === null ? undefined : "true");
      if (problem !== null) {
        setText(this.error, problem);
        input.focus();
        return;
      }
      values[field.name] = value;
    }
    setText(this.error, "");
    this.submitButton.disabled = true;
    try {
      await this.submit(values);
    } catch (error) {
      setText(this.error, error instanceof Error ? error.message : String(error));
    } finally {
      this.submitButton.disabled = false;
    }
  }
}

function autocomplete(name: string): string | undefined {
  return name === "name" ? "name" : name === "email" ? "email" : name === "phone" ? "tel" : undefined;
}

export function prechatFields(fields: PrechatField[]): Field[] {
  return fields.map((f) => ({ name: f.name, label: f.label, type: f.type, required: f.required }));
}

export function offlineFields(t: Strings): Field[] {
  return [
    { name: "name", label: t.name, type: "text", required: true },
    { name: "email", label: t.email, type: "email", required: true },
    { name: "body", label: t.message, type: "textarea", required: true },
  ];
}

export interface EndCardActions {
  rate(score: number, comment: string): Promise<void>;
  transcript(email: string): Promise<void>;
}

/** Shown after the latest conversation was resolved. */
export class EndCard {
  readonly node = el("div", { class: "fd-end" });
  private readonly ended = el("p", { class: "fd-ended" });
  private readonly legend = el("legend");
  private readonly stars: HTMLButtonElement[] = [];
  private readonly comment = el("textarea", { rows: "2", id: uid("comment") });
  private readonly commentLabel = el("label", { for: this.comment.id });
  private readonly rateButton = el("button", { type: "submit", class: "fd-primary" });
  private readonly rating: HTMLFormElement;
  private readonly rated = el("p", { class: "fd-done", role: "status" });
  private readonly email = el("input", { type: "email", id: uid("transcript"), autocomplete: "email" });
  private readonly emailLabel = el("label", { for: this.email.id });
  private readonly transcriptButton = el("button", { type: "submit", class: "fd-secondary" });
  private readonly transcriptForm: HTMLFormElement;
  private readonly transcriptNote = el("p", { class: "fd-done", role: "status" });
  private score = 0;
  private t: Strings | null = null;

  constructor(actions: EndCardActions) {
    const group = el("div", { class: "fd-stars", role: "group" });
    for (let n = 1; n <= 5; n++) {
      const star = button({ class: "fd-star", "aria-pressed": "false" }, () => this.pick(n), "★");
      this.stars.push(star);
      group.append(star);
    }
    const fieldset = el("fieldset", {}, this.legend, group);
    this.rating = el("form", { class: "fd-rating" }, fieldset, el("div", { class: "fd-field" }, this.commentLabel, this.comment), this.rateButton);
    this.rating.addEventListener("submit", (ev) => {
      ev.preventDefault();
      if (this.score === 0) {
        this.stars[0]?.focus();
        return;
      }
      this.rateButton.disabled = true;
      actions.rate(this.score, this.comment.value.trim()).finally(() => (this.rateButton.disabled = false));
    });
    this.transcriptForm = el("form", { class: "fd-transcript" }, el("div", { class: "fd-field" }, this.emailLabel, this.email), this.transcriptButton);
    this.transcriptForm.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const email = this.email.value.trim();
      if (!EMAIL.test(email)) {
        setText(this.transcriptNote, this.t?.badEmail ?? "");
        this.email.focus();
        return;
      }
      actions
        .transcript(email)
        .then(() => setText(this.transcriptNote, fill(this.t!.transcriptSent, { email })))
        .catch((error: Error) => setText(this.transcriptNote, error.message));
    });
    this.node.append(this.ended, this.rating, this.rated, this.transcriptForm, this.transcriptNote);
  }

  update(t: Strings, opts: { ratingEnabled: boolean; rating: number | null; transcriptEnabled: boolean; email: string | null }): void {
    this.t = t;
    setText(this.ended, t.ended);
    setText(this.legend, t.rate);
    this.stars.forEach((star, i) => setAttr(star, "aria-label", fill(t.stars, { n: i + 1 })));
    setText(this.commentLabel, t.comment);
    setText(this.rateButton, t.sendRating);
    setText(this.emailLabel, t.email);
    setText(this.transcriptButton, t.transcript);
    this.rating.hidden = !opts.ratingEnabled || opts.rating !== null;
    this.rated.hidden = opts.rating === null;
    setText(this.rated, t.rated);
    this.transcriptForm.hidden = !opts.transcriptEnabled;
    if (opts.email && this.email.value === "") this.email.value = opts.email;
  }

  private pick(score: number): void {
    this.score = score;
    this.stars.forEach((star, i) => {
      setAttr(star, "aria-pressed", i === score - 1 ? "true" : "false");
      star.classList.toggle("fd-on", i < score);
    });
  }
}
