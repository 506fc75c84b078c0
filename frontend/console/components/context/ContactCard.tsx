import { useState } from "preact/hooks";
import { messageOf, saveContact } from "../../contextActions";
import { useSession } from "../../hooks";
import type { Contact } from "../../resources";
import { t } from "../../strings";
import { attributeRows, attributesOf, isIdentified } from "../../visitorContext";

/** "company" is a custom attribute with a field of its own: agents ask for it most. */
const COMPANY = "company";

/** Who the visitor is: shown, and edited in place (PATCH /contacts/{id}). */
export function ContactCard({ contact }: { contact: Contact }) {
  const [editing, setEditing] = useState(false);
  const identified = isIdentified(contact);
  const { [COMPANY]: company, ...others } = contact.custom_attributes;
  return (
    <section class="sidebar-section contact-card" aria-labelledby="sidebar-contact">
      <div class="contact-title">
        <h3 id="sidebar-contact" class="contact-heading">
          {contact.name}
        </h3>
        <span
          class="badge"
          data-kind={identified ? "identified" : "anonymous"}
          title={identified ? t.sidebar.identifiedHint : t.sidebar.anonymousHint}
        >
          {identified ? t.sidebar.identified : t.sidebar.anonymous}
        </span>
        {contact.blocked && <span class="badge" data-kind="blocked">{t.sidebar.blocked}</span>}
      </div>
      {editing ? (
        <ContactForm contact={contact} done={() => setEditing(false)} />
      ) : (
        <>
          <dl class="facts">
            <Fact label={t.sidebar.email} value={contact.email} />
            <Fact label={t.sidebar.phone} value={contact.phone} />
            <Fact label={t.sidebar.company} value={typeof company === "string" ? company : null} />
            {attributeRows(others).map(([key, value]) => (
              <Fact key={key} label={key} value={value} />
            ))}
          </dl>
          {contact.status_lines.length > 0 && (
            <ul class="status-lines" aria-label={t.sidebar.siteNotes}>
              {contact.status_lines.map((line, i) => (
                <li key={i}>{line}</li>
              ))}
            </ul>
          )}
          <button type="button" class="ghost small" onClick={() => setEditing(true)}>
            {t.sidebar.editContact}
          </button>
        </>
      )}
    </section>
  );
}

function Fact({ label, value }: { label: string; value: string | null }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{value === null || value === "" ? t.common.none : value}</dd>
    </div>
  );
}

function ContactForm({ contact, done }: { contact: Contact; done: () => void }) {
  const { store } = useSession();
  const { [COMPANY]: company, ...others } = contact.custom_attributes;
  const [name, setName] = useState(contact.name);
  const [email, setEmail] = useState(contact.email ?? "");
  const [phone, setPhone] = useState(contact.phone ?? "");
  const [companyText, setCompany] = useState(typeof company === "string" ? company : "");
  const [rows, setRows] = useState<[string, string][]>(attributeRows(others));
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  async function save(event: Event) {
    event.preventDefault();
    setSaving(true);
    setError(null);
    const kept = attributesOf(rows);
    // Keys the agent removed are sent as null: the server drops them.
    const removed = Object.fromEntries(Object.keys(others).filter((k) => !(k in kept)).map((k) => [k, null]));
    try {
      await saveContact(store, contact.id, {
        name,
        email: email.trim() === "" ? null : email,
        phone: phone.trim() === "" ? null : phone,
        custom_attributes: { ...removed, ...kept, [COMPANY]: companyText.trim() === "" ? null : companyText },
      });
      done();
    } catch (err) {
      setError(messageOf(err, t.common.failed));
    } finally {
      setSaving(false);
    }
  }

  const setRow = (i: number, row: [string, string]) => setRows((all) => all.map((r, j) => (j === i ? row : r)));
  return (
    <form class="contact-form" onSubmit={save} aria-label={t.sidebar.editContact}>
      <label>
        {t.sidebar.name}
        <input value={name} onInput={(e) => setName(e.currentTarget.value)} required maxLength={200} />
      </label>
      <label>
        {t.sidebar.email}
        <input type="email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
      </label>
      <label>
        {t.sidebar.phone}
        <input type="tel" value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />
      </label>
      <label>
        {t.sidebar.company}
        <input value={companyText} onInput={(e) => setCompany(e.currentTarget.value)} />
      </label>
      <fieldset>
        <legend>{t.sidebar.attributes}</legend>
        {rows.map(([key, value], i) => (
          <div class="attribute-row" key={i}>
            <input aria-label={t.sidebar.attributeKey} value={key} onInput={(e) => setRow(i, [e.currentTarget.value, value])} />
            <input aria-label={t.sidebar.attributeValue} value={value} onInput={(e) => setRow(i, [key, e.currentTarget.value])} />
            <button type="button" class="icon-button" aria-label={t.common.remove} onClick={() => setRows((all) => all.filter((_, j) => j !== i))}>
              ×
            </button>
          </div>
        ))}
        <button type="button" class="link" onClick={() => setRows((all) => [...all, ["", ""]])}>
          {t.sidebar.addAttribute}
        </button>
      </fieldset>
      {error !== null && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      <div class="form-actions">
        <button type="button" class="ghost small" onClick={done}>
          {t.common.cancel}
        </button>
        <button type="submit" class="primary small" disabled={saving}>
          {saving ? t.common.saving : t.common.save}
        </button>
      </div>
    </form>
  );
}
