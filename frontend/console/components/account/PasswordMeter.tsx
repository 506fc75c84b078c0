import { passwordStrength } from "../../account";
import { t } from "../../strings";

/** A bar under a new-password field: how hard the password looks to guess. */
export function PasswordMeter({ password }: { password: string }) {
  if (password === "") return null;
  const score = passwordStrength(password);
  const label = t.strength.levels[score] ?? "";
  return (
    <div class="strength" data-score={score}>
      <meter min={0} max={4} low={2} high={3} optimum={4} value={score} aria-label={t.strength.label} aria-valuetext={label} />
      <span class="hint">{`${t.strength.label}: ${label}`}</span>
    </div>
  );
}
