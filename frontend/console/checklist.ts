/**
 * The first-login checklist (DESIGN.md, "The first five minutes"): what is done and
 * whether it was dismissed, kept in this browser per agent. localStorage can be missing
 * or full (private windows, strict settings); the checklist then lasts one page load.
 */
export type Step = "snippet" | "teammate" | "test";

export interface Checklist {
  dismissed: boolean;
  done: Step[];
}

const EMPTY: Checklist = { dismissed: false, done: [] };

function key(agentId: string): string {
  return `frontdesk.checklist.${agentId}`;
}

export function loadChecklist(agentId: string): Checklist {
  try {
    const raw = JSON.parse(localStorage.getItem(key(agentId)) ?? "null") as Partial<Checklist> | null;
    if (raw === null || typeof raw !== "object") return EMPTY;
    return { dismissed: raw.dismissed === true, done: Array.isArray(raw.done) ? raw.done : [] };
  } catch {
    return EMPTY;
  }
}

export function saveChecklist(agentId: string, checklist: Checklist): void {
  try {
    localStorage.setItem(key(agentId), JSON.stringify(checklist));
  } catch {
    // not persisted: see above
  }
}

export function markDone(checklist: Checklist, step: Step): Checklist {
  return checklist.done.includes(step) ? checklist : { ...checklist, done: [...checklist.done, step] };
}
