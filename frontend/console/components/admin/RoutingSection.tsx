import { useEffect, useState } from "preact/hooks";
import { CONDITION_KINDS, conditionDraft, conditionOf, moved, needsName, type ConditionDraft, type ConditionKind } from "../../adminDrafts";
import { messageOf } from "../../contextActions";
import { resources, type Condition, type RoutingRule, type Team } from "../../resources";
import { t } from "../../strings";

const OPS: Condition["op"][] = ["contains", "equals", "regex"];

/** Settings › Routing rules: an ordered list, first match wins (docs/routing.md). */
export function RoutingSection() {
  const [rules, setRules] = useState<RoutingRule[]>([]);
  const [teams, setTeams] = useState<Team[]>([]);
  const [adding, setAdding] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    Promise.all([resources.rules(), resources.teams()]).then(
      ([r, tm]) => {
        setRules(r);
        setTeams(tm);
      },
      (err: unknown) => setError(messageOf(err, t.common.failed)),
    );
  }, []);

  async function move(index: number, delta: number) {
    const next = moved(rules, index, delta);
    setRules(next);
    try {
      await resources.reorderRules(next.map((r) => r.id));
    } catch (err) {
      setRules(rules);
      setError(messageOf(err, t.common.failed));
    }
  }

  return (
    <section class="card admin-section" aria-labelledby="routing-title">
      <h3 id="routing-title">{t.routing.title}</h3>
      <p class="muted">{t.routing.subtitle}</p>
      {error !== null && <p class="field-error" role="alert">{error}</p>}
      {rules.length === 0 && <p class="muted">{t.routing.empty}</p>}
      <ol class="rule-list">
        {rules.map((rule, i) => (
          <li key={rule.id}>
            <div class="rule-order">
              <button type="button" class="icon-button" aria-label={`${t.routing.moveUp}: ${rule.name}`} disabled={i === 0} onClick={() => void move(i, -1)}>
                ↑
              </button>
              <button
                type="button"
                class="icon-button"
                aria-label={`${t.routing.moveDown}: ${rule.name}`}
                disabled={i === rules.length - 1}
                onClick={() => void move(i, 1)}
              >
                ↓
              </button>
            </div>
            <RuleForm
              rule={rule}
              teams={teams}
              saved={(next) => setRules((all) => all.map((r) => (r.id === next.id ? next : r)))}
              deleted={() => setRules((all) => all.filter((r) => r.id !== rule.id))}
            />
          </li>
        ))}
      </ol>
      {teams.length === 0 ? (
        <p class="muted">{t.routing.needsTeam}</p>
      ) : adding ? (
        <RuleForm
          rule={null}
          teams={teams}
          saved={(next) => {
            setRules((all) => [...all, next]);
            setAdding(false);
          }}
          deleted={() => setAdding(false)}
        />
      ) : (
        <button type="button" class="ghost small" onClick={() => setAdding(true)}>
          {t.routing.add}
        </button>
      )}
    </section>
  );
}

interface RuleFormProps {
  /** null: a new rule. */
  rule: RoutingRule | null;
  teams: Team[];
  saved: (rule: RoutingRule) => void;
  deleted: () => void;
}

function RuleForm({ rule, teams, saved, deleted }: RuleFormProps) {
  const [name, setName] = useState(rule?.name ?? "");
  const [teamId, setTeamId] = useState(rule?.team_id ?? teams[0]?.id ?? "");
  const [enabled, setEnabled] = useState(rule?.enabled ?? true);
  const [conditions, setConditions] = useState<ConditionDraft[]>(
    rule?.conditions.map(conditionDraft) ?? [{ kind: "url", name: "", op: "contains", value: "" }],
  );
  const [state, setState] = useState<"idle" | "saving" | "saved">("idle");
  const [error, setError] = useState<string | null>(null);

  async function save(event: Event) {
    event.preventDefault();
    setState("saving");
    setError(null);
    const input = { name, team_id: teamId, enabled, conditions: conditions.map(conditionOf) };
    try {
      saved(rule === null ? await resources.createRule(input) : await resources.updateRule(rule.id, input));
      setState("saved");
    } catch (err) {
      setError(messageOf(err, t.common.failed));
      setState("idle");
    }
  }

  async function remove() {
    try {
      if (rule !== null) await resources.deleteRule(rule.id);
      deleted();
    } catch (err) {
      setError(messageOf(err, t.common.failed));
    }
  }

  const setCondition = (i: number, patch: Partial<ConditionDraft>) =>
    setConditions((all) => all.map((c, j) => (j === i ? { ...c, ...patch } : c)));
  return (
    <form class="rule-form" onSubmit={save} aria-label={rule?.name ?? t.routing.newRule}>
      <div class="form-row">
        <label>
          {t.routing.name}
          <input required maxLength={200} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label>
          {t.routing.team}
          <select value={teamId} onChange={(e) => setTeamId(e.currentTarget.value)}>
            {teams.map((team) => (
              <option key={team.id} value={team.id}>
                {team.name}
              </option>
            ))}
          </select>
        </label>
        <label class="check-label">
          <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
          {t.routing.enabled}
        </label>
      </div>
      <fieldset>
        <legend>{t.routing.conditions}</legend>
        {conditions.length === 0 && <p class="muted">{t.routing.noConditions}</p>}
        {conditions.map((c, i) => (
          <div class="condition-row" key={i}>
            <select aria-label={t.routing.field} value={c.kind} onChange={(e) => setCondition(i, { kind: e.currentTarget.value as ConditionKind })}>
              {CONDITION_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t.routing.kinds[k]}
                </option>
              ))}
            </select>
            {needsName(c.kind) && (
              <input aria-label={t.routing.fieldName} value={c.name} required onInput={(e) => setCondition(i, { name: e.currentTarget.value })} />
            )}
            <select aria-label={t.routing.op} value={c.op} onChange={(e) => setCondition(i, { op: e.currentTarget.value as Condition["op"] })}>
              {OPS.map((op) => (
                <option key={op} value={op}>
                  {t.routing.ops[op]}
                </option>
              ))}
            </select>
            <input aria-label={t.routing.value} value={c.value} required onInput={(e) => setCondition(i, { value: e.currentTarget.value })} />
            <button type="button" class="icon-button" aria-label={t.common.remove} onClick={() => setConditions((all) => all.filter((_, j) => j !== i))}>
              ×
            </button>
          </div>
        ))}
        <button type="button" class="link" onClick={() => setConditions((all) => [...all, { kind: "url", name: "", op: "contains", value: "" }])}>
          {t.routing.addCondition}
        </button>
      </fieldset>
      {error !== null && <p class="field-error" role="alert">{error}</p>}
      <div class="form-actions">
        <span role="status" class="muted">
          {state === "saved" ? t.common.saved : ""}
        </span>
        <button type="button" class="ghost small" onClick={() => void remove()}>
          {rule === null ? t.common.cancel : t.common.delete}
        </button>
        <button type="submit" class="primary small" disabled={state === "saving"}>
          {state === "saving" ? t.common.saving : t.common.save}
        </button>
      </div>
    </form>
  );
}
