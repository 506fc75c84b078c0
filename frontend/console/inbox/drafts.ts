/**
 * What the agent was writing in each conversation, kept in this browser (localStorage)
 * so it survives switching chats and reloading. Storage may be missing or full (private
 * windows, strict settings): drafts then last as long as the page.
 */

export interface Draft {
  text: string;
  private: boolean;
}

/** Stored with the time it was last written, to keep only the newest. */
interface StoredDraft extends Draft {
  at: number;
}

/** The subset of Storage used here; tests pass a Map-backed fake. */
export type DraftStorage = Pick<Storage, "getItem" | "setItem">;

/** Drafts kept per agent: plenty for a day of chats, small enough to read on every load. */
export const MAX_DRAFTS = 100;

export const EMPTY_DRAFT: Draft = { text: "", private: false };

export class Drafts {
  private drafts: Record<string, StoredDraft>;

  constructor(
    private readonly agentId: string,
    private readonly storage: DraftStorage | null = browserStorage(),
    private readonly now: () => number = Date.now,
  ) {
    this.drafts = this.read();
  }

  get(conversationId: string): Draft {
    const d = this.drafts[conversationId];
    return d === undefined ? EMPTY_DRAFT : { text: d.text, private: d.private };
  }

  /** An empty, public draft is no draft: it is removed. */
  set(conversationId: string, draft: Draft): void {
    const next = { ...this.drafts };
    if (draft.text === "" && !draft.private) delete next[conversationId];
    else next[conversationId] = { ...draft, at: this.now() };
    this.drafts = newest(next, MAX_DRAFTS);
    this.write();
  }

  clear(conversationId: string): void {
    this.set(conversationId, EMPTY_DRAFT);
  }

  private get key(): string {
    return `frontdesk.drafts.${this.agentId}`;
  }

  private read(): Record<string, StoredDraft> {
    try {
      const raw: unknown = JSON.parse(this.storage?.getItem(this.key) ?? "{}");
      if (raw === null || typeof raw !== "object") return {};
      return Object.fromEntries(Object.entries(raw as Record<string, unknown>).filter(([, d]) => isStored(d))) as Record<
        string,
        StoredDraft
      >;
    } catch {
      return {};
    }
  }

  private write(): void {
    try {
      this.storage?.setItem(this.key, JSON.stringify(this.drafts));
    } catch {
      // full or forbidden: kept in memory only (see above)
    }
  }
}

function isStored(d: unknown): d is StoredDraft {
  const s = d as StoredDraft | null;
  return s !== null && typeof s === "object" && typeof s.text === "string" && typeof s.private === "boolean" && typeof s.at === "number";
}

function newest(drafts: Record<string, StoredDraft>, max: number): Record<string, StoredDraft> {
  const entries = Object.entries(drafts);
  if (entries.length <= max) return drafts;
  return Object.fromEntries(entries.sort(([, a], [, b]) => b.at - a.at).slice(0, max));
}

function browserStorage(): DraftStorage | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null; // reading localStorage itself throws when the browser forbids it
  }
}
