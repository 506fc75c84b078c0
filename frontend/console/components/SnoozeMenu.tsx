import { useState } from "preact/hooks";
import type { Conversation } from "../../shared/events.gen";
import { useSession } from "../hooks";
import { parseLocal, snoozeChoices } from "../inbox/time";
import { t } from "../strings";
import { Popover } from "./Popover";

/** Snooze: pending until a time, then open again by itself (the server's timer). */
export function SnoozeMenu({ conversation: c }: { conversation: Conversation }) {
  return (
    <Popover label={t.actions.snooze} title={t.actions.snoozeTitle}>
      {(close) => <SnoozePanel conversation={c} close={close} />}
    </Popover>
  );
}

function SnoozePanel({ conversation: c, close }: { conversation: Conversation; close: () => void }) {
  const session = useSession();
  const [custom, setCustom] = useState("");
  const snooze = async (until: Date) => {
    if (await session.inbox.change(c.id, { snooze_until: until.toISOString() })) close();
  };
  const customDate = parseLocal(custom, new Date());
  return (
    <div class="snooze-panel">
      <ul class="choice-list">
        {snoozeChoices(new Date()).map((choice) => (
          <li key={choice.key}>
            <button type="button" class="choice" onClick={() => void snooze(choice.until)}>
              {t.actions.snoozeChoices[choice.key]}
            </button>
          </li>
        ))}
      </ul>
      <form
        class="snooze-custom"
        onSubmit={(e) => {
          e.preventDefault();
          if (customDate !== null) void snooze(customDate);
        }}
      >
        <label class="field-label" for="snooze-at">
          {t.actions.snoozeAt}
        </label>
        <input id="snooze-at" type="datetime-local" value={custom} onInput={(e) => setCustom(e.currentTarget.value)} />
        <button type="submit" class="ghost small" disabled={customDate === null}>
          {t.actions.snoozeConfirm}
        </button>
      </form>
    </div>
  );
}
