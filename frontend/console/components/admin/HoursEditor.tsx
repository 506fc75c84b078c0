import { WEEKDAYS, type HoursDraft } from "../../adminDrafts";
import { t } from "../../strings";

/** A team's business hours: a time zone, one opening per weekday, and holidays. */
export function HoursEditor({ draft, change, idPrefix }: { draft: HoursDraft; change: (d: HoursDraft) => void; idPrefix: string }) {
  return (
    <fieldset class="hours">
      <legend>{t.teams.hours}</legend>
      <label class="check-label">
        <input type="checkbox" checked={draft.enabled} onChange={(e) => change({ ...draft, enabled: e.currentTarget.checked })} />
        {t.teams.useHours}
      </label>
      {!draft.enabled ? (
        <p class="muted">{t.teams.alwaysOpen}</p>
      ) : (
        <>
          <label>
            {t.teams.timeZone}
            <input
              value={draft.time_zone}
              list={`${idPrefix}-zones`}
              onInput={(e) => change({ ...draft, time_zone: e.currentTarget.value })}
            />
            <datalist id={`${idPrefix}-zones`}>
              {supportedZones().map((z) => (
                <option key={z} value={z} />
              ))}
            </datalist>
          </label>
          <table class="hours-table">
            <tbody>
              {WEEKDAYS.map((d) => {
                const day = draft.days[d];
                const set = (patch: Partial<typeof day>) => change({ ...draft, days: { ...draft.days, [d]: { ...day, ...patch } } });
                return (
                  <tr key={d}>
                    <th scope="row">
                      <label class="check-label">
                        <input type="checkbox" checked={day.open} onChange={(e) => set({ open: e.currentTarget.checked })} />
                        {t.teams.days[d]}
                      </label>
                    </th>
                    <td>
                      <input
                        type="time"
                        aria-label={`${t.teams.days[d]} ${t.teams.opens}`}
                        value={day.from}
                        disabled={!day.open}
                        onInput={(e) => set({ from: e.currentTarget.value })}
                      />
                    </td>
                    <td>
                      <input
                        type="time"
                        aria-label={`${t.teams.days[d]} ${t.teams.closes}`}
                        value={day.to}
                        disabled={!day.open}
                        onInput={(e) => set({ to: e.currentTarget.value })}
                      />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <label>
            {t.teams.holidays}
            <textarea rows={3} value={draft.holidays} onInput={(e) => change({ ...draft, holidays: e.currentTarget.value })} />
          </label>
        </>
      )}
    </fieldset>
  );
}

/** The zones this browser knows, for suggestions; any IANA name may be typed. */
function supportedZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  return intl.supportedValuesOf?.("timeZone") ?? [];
}
