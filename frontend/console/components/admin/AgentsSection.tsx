import { useEffect, useState } from "preact/hooks";
import { messageOf } from "../../contextActions";
import { formatTime } from "../../format";
import { useConsole } from "../../hooks";
import { resources, type AgentPatch, type AgentRow, type Invitation, type NewInvitation, type Role } from "../../resources";
import { t } from "../../strings";
import { CopyButton } from "../CopyButton";

const ROLES: Role[] = ["agent", "supervisor", "admin", "owner"];

/** Settings › Agents: the team, their roles and capacity, invitations by link. */
export function AgentsSection() {
  const me = useConsole((s) => s.me);
  const [agents, setAgents] = useState<AgentRow[]>([]);
  const [invitations, setInvitations] = useState<Invitation[]>([]);
  const [error, setError] = useState<string | null>(null);

  const reload = () =>
    Promise.all([resources.agents(), resources.invitations()]).then(
      ([a, i]) => {
        setAgents(a);
        setInvitations(i);
      },
      (err: unknown) => setError(messageOf(err, t.common.failed)),
    );
  useEffect(() => void reload(), []);

  async function change(agent: AgentRow, patch: AgentPatch) {
    setError(null);
    try {
      const updated = await resources.updateAgent(agent.id, patch);
      setAgents((all) => all.map((a) => (a.id === updated.id ? updated : a)));
    } catch (err) {
      setError(messageOf(err, t.common.failed));
    }
  }

  // Only owners make owners (docs/permissions.md).
  const roles = ROLES.filter((r) => r !== "owner" || me?.agent.role === "owner");
  return (
    <section class="card admin-section" aria-labelledby="agents-title">
      <h3 id="agents-title">{t.agents.title}</h3>
      <p class="muted">{t.agents.subtitle}</p>
      {error !== null && <p class="field-error" role="alert">{error}</p>}
      <table class="admin-table">
        <thead>
          <tr>
            <th scope="col">{t.agents.title}</th>
            <th scope="col">{t.agents.role}</th>
            <th scope="col">{t.agents.capacity}</th>
            <th scope="col">{t.agents.active}</th>
          </tr>
        </thead>
        <tbody>
          {agents.map((a) => {
            const self = a.id === me?.agent.id;
            return (
              <tr key={a.id} data-agent-id={a.id} data-active={a.active ? "true" : "false"}>
                <th scope="row">
                  {a.name} {self && <span class="muted">{t.agents.you}</span>}
                  <br />
                  <span class="muted">{a.email}</span>
                </th>
                <td>
                  <select
                    aria-label={`${t.agents.role}: ${a.name}`}
                    value={a.role}
                    disabled={self || (a.role === "owner" && me?.agent.role !== "owner")}
                    onChange={(e) => void change(a, { role: e.currentTarget.value as Role })}
                  >
                    {(a.role === "owner" ? ROLES : roles).map((r) => (
                      <option key={r} value={r}>
                        {t.agents.roles[r]}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <input
                    type="number"
                    min={0}
                    max={50}
                    class="narrow"
                    aria-label={`${t.agents.capacity}: ${a.name}`}
                    value={a.max_chats}
                    onChange={(e) => void change(a, { max_chats: Number(e.currentTarget.value) })}
                  />
                </td>
                <td>
                  {self ? null : (
                    <button type="button" class="ghost small" onClick={() => void change(a, { active: !a.active })}>
                      {a.active ? t.agents.deactivate : t.agents.reactivate}
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <InviteForm roles={roles} invited={() => void reload()} />
      {invitations.length > 0 && (
        <>
          <h4>{t.agents.pending}</h4>
          <ul class="admin-list">
            {invitations.map((i) => (
              <li key={i.id}>
                <span>
                  {i.email} · {t.agents.roles[i.role]} · <span class="muted">{t.agents.expires(formatTime(i.expires_at))}</span>
                </span>
                <button
                  type="button"
                  class="ghost small"
                  onClick={() => void resources.revokeInvitation(i.id).then(reload, (err: unknown) => setError(messageOf(err, t.common.failed)))}
                >
                  {t.agents.revoke}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function InviteForm({ roles, invited }: { roles: Role[]; invited: () => void }) {
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("agent");
  const [created, setCreated] = useState<NewInvitation | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: Event) {
    event.preventDefault();
    setError(null);
    try {
      setCreated(await resources.invite(email, role));
      setEmail("");
      invited();
    } catch (err) {
      setError(messageOf(err, t.common.failed));
    }
  }

  return (
    <form class="inline-form" onSubmit={submit} aria-label={t.agents.invite}>
      <h4>{t.agents.invite}</h4>
      <div class="form-row">
        <label>
          {t.agents.inviteEmail}
          <input type="email" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label>
          {t.agents.inviteRole}
          <select value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {t.agents.roles[r]}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="primary small">
          {t.agents.sendInvite}
        </button>
      </div>
      {error !== null && <p class="field-error" role="alert">{error}</p>}
      {created !== null && (
        <div class="secret-box" role="status">
          <p>{t.agents.inviteLink}</p>
          <input class="mono" readOnly value={created.url} aria-label={t.agents.inviteLink} onFocus={(e) => e.currentTarget.select()} />
          <CopyButton text={created.url} label={t.common.copyLink} class="ghost small" />
        </div>
      )}
    </form>
  );
}
