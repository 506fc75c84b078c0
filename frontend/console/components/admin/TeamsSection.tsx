import { useEffect, useState } from "preact/hooks";
import { hoursDraft, hoursOf, type HoursDraft } from "../../adminDrafts";
import { messageOf } from "../../contextActions";
import { useConsole, useSession } from "../../hooks";
import { resources, type AgentRow, type Strategy, type Team } from "../../resources";
import { t } from "../../strings";
import { HoursEditor } from "./HoursEditor";

const STRATEGIES: Strategy[] = ["round_robin", "least_busy", "manual"];

/** Settings › Teams: members, assignment strategy, business hours, default team. */
export function TeamsSection() {
  const [teams, setTeams] = useState<Team[]>([]);
  const [agents, setAgents] = useState<AgentRow[]>([]);
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    Promise.all([resources.teams(), resources.agents()]).then(
      ([tm, ag]) => {
        setTeams(tm);
        setAgents(ag.filter((a) => a.active));
      },
      (err: unknown) => setError(messageOf(err, t.common.failed)),
    );
  }, []);

  async function create(event: Event) {
    event.preventDefault();
    setError(null);
    try {
      const team = await resources.createTeam({ name });
      setTeams((all) => [...all, team]);
      setName("");
    } catch (err) {
      setError(messageOf(err, t.common.failed));
    }
  }

  return (
    <section class="card admin-section" aria-labelledby="teams-title">
      <h3 id="teams-title">{t.teams.title}</h3>
      <p class="muted">{t.teams.subtitle}</p>
      {error !== null && <p class="field-error" role="alert">{error}</p>}
      {teams.map((team) => (
        <TeamCard
          key={team.id}
          team={team}
          agents={agents}
          saved={(next) => setTeams((all) => all.map((x) => (x.id === next.id ? next : x)))}
          deleted={() => setTeams((all) => all.filter((x) => x.id !== team.id))}
        />
      ))}
      <form class="inline-form form-row" onSubmit={create} aria-label={t.teams.create}>
        <label>
          {t.teams.newName}
          <input required maxLength={200} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <button type="submit" class="primary small">
          {t.teams.create}
        </button>
      </form>
    </section>
  );
}

interface CardProps {
  team: Team;
  agents: AgentRow[];
  saved: (team: Team) => void;
  deleted: () => void;
}

function TeamCard({ team, agents, saved, deleted }: CardProps) {
  const [name, setName] = useState(team.name);
  const [strategy, setStrategy] = useState<Strategy>(team.strategy);
  const [members, setMembers] = useState<Set<string>>(new Set(team.member_ids));
  const [reassign, setReassign] = useState(team.reassign_after_seconds?.toString() ?? "");
  const [hours, setHours] = useState<HoursDraft>(hoursDraft(team.business_hours));
  const [state, setState] = useState<"idle" | "saving" | "saved">("idle");
  const [error, setError] = useState<string | null>(null);

  async function save(event: Event) {
    event.preventDefault();
    setState("saving");
    setError(null);
    try {
      const next = await resources.updateTeam(team.id, {
        name,
        strategy,
        member_ids: [...members],
        reassign_after_seconds: reassign.trim() === "" ? null : Number(reassign),
        business_hours: hoursOf(hours),
      });
      saved(next);
      setState("saved");
    } catch (err) {
      setError(messageOf(err, t.common.failed));
      setState("idle");
    }
  }

  async function remove() {
    try {
      await resources.deleteTeam(team.id);
      deleted();
    } catch (err) {
      setError(messageOf(err, t.common.failed));
    }
  }

  const toggle = (id: string, on: boolean) =>
    setMembers((all) => {
      const next = new Set(all);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  return (
    <form class="team-card" onSubmit={save} aria-label={team.name} data-team-id={team.id}>
      <div class="form-row">
        <label>
          {t.teams.name}
          <input required maxLength={200} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label>
          {t.teams.strategy}
          <select value={strategy} onChange={(e) => setStrategy(e.currentTarget.value as Strategy)}>
            {STRATEGIES.map((s) => (
              <option key={s} value={s}>
                {t.teams.strategies[s]}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t.teams.reassign}
          <input type="number" min={30} class="narrow" value={reassign} onInput={(e) => setReassign(e.currentTarget.value)} />
        </label>
      </div>
      <DefaultFor teamId={team.id} />
      <fieldset>
        <legend>{t.teams.members}</legend>
        <div class="member-grid">
          {agents.map((a) => (
            <label key={a.id} class="check-label">
              <input type="checkbox" checked={members.has(a.id)} onChange={(e) => toggle(a.id, e.currentTarget.checked)} />
              {a.name}
            </label>
          ))}
        </div>
        <p class="muted hint">{t.teams.capacityHint}</p>
      </fieldset>
      <HoursEditor draft={hours} change={setHours} idPrefix={`team-${team.id}`} />
      {error !== null && <p class="field-error" role="alert">{error}</p>}
      <div class="form-actions">
        <span role="status" class="muted">
          {state === "saved" ? t.common.saved : ""}
        </span>
        <button type="button" class="ghost small" onClick={() => void remove()}>
          {t.teams.deleteTeam}
        </button>
        <button type="submit" class="primary small" disabled={state === "saving"}>
          {state === "saving" ? t.common.saving : t.common.save}
        </button>
      </div>
    </form>
  );
}

/** Which websites route to this team by default; a button makes it so. */
function DefaultFor({ teamId }: { teamId: string }) {
  const { store } = useSession();
  const websites = useConsole((s) => s.websites);
  const [error, setError] = useState<string | null>(null);

  async function makeDefault(websiteId: string) {
    setError(null);
    try {
      const { default_team_id } = await resources.setDefaultTeam(websiteId, teamId);
      store.update((s) => ({ ...s, websites: s.websites.map((w) => (w.id === websiteId ? { ...w, default_team_id } : w)) }));
    } catch (err) {
      setError(messageOf(err, t.common.failed));
    }
  }

  return (
    <div class="default-for">
      {websites.map((w) =>
        w.default_team_id === teamId ? (
          <span key={w.id} class="badge" data-kind="default">
            {t.teams.defaultOf(w.name)}
          </span>
        ) : (
          <button key={w.id} type="button" class="link" onClick={() => void makeDefault(w.id)}>
            {t.teams.makeDefault(w.name)}
          </button>
        ),
      )}
      {error !== null && <p class="field-error" role="alert">{error}</p>}
    </div>
  );
}
