/**
 * The messages of one chat as the user sees them: stored messages plus the user's own
 * messages still on their way ("sending", or "failed" when refused).
 *
 * The same message can reach a client three ways: the `ack` of its own `send`, the
 * `message.created` event, and a replay or HTTP history load. Stored messages are unique
 * by `id`, and a stored message replaces the pending one with its `client_ref`, so
 * whatever the order, it is shown once. Values are immutable: every change returns a
 * new Thread, which is what lets Preact see it.
 */
import type { Message } from "./events.gen";

export interface PendingMessage {
  client_ref: string;
  conversation_id: string | null;
  body: string;
  private: boolean;
  created_at: string;
  state: "sending" | "failed";
  error?: string;
}

export interface Thread {
  /** In display order: by seq within a conversation, by time across conversations. */
  readonly messages: readonly Message[];
  /** Oldest first; always shown after the stored messages. */
  readonly pending: readonly PendingMessage[];
}

export const EMPTY_THREAD: Thread = { messages: [], pending: [] };

export function addMessages(thread: Thread, incoming: readonly Message[]): Thread {
  const known = new Set(thread.messages.map((m) => m.id));
  const fresh = incoming.filter((m) => !known.has(m.id) && (known.add(m.id), true));
  if (fresh.length === 0) return dropPendingOf(thread, incoming);
  const messages = [...thread.messages, ...fresh].sort(compareMessages);
  return dropPendingOf({ messages, pending: thread.pending }, incoming);
}

export function addPending(thread: Thread, pending: PendingMessage): Thread {
  return { messages: thread.messages, pending: [...thread.pending, pending] };
}

export function failPending(thread: Thread, clientRef: string, error: string): Thread {
  const pending = thread.pending.map((p) =>
    p.client_ref === clientRef ? { ...p, state: "failed" as const, error } : p,
  );
  return { messages: thread.messages, pending };
}

/** Highest seq held for a conversation (0 when none): the `read` cursor to report. */
export function lastSeqOf(thread: Thread, conversationId: string): number {
  let seq = 0;
  for (const m of thread.messages) if (m.conversation_id === conversationId) seq = Math.max(seq, m.seq);
  return seq;
}

function dropPendingOf(thread: Thread, incoming: readonly Message[]): Thread {
  const refs = new Set(incoming.map((m) => m.client_ref).filter((ref) => ref !== null));
  if (!thread.pending.some((p) => refs.has(p.client_ref))) return thread;
  return { messages: thread.messages, pending: thread.pending.filter((p) => !refs.has(p.client_ref)) };
}

function compareMessages(a: Message, b: Message): number {
  if (a.conversation_id === b.conversation_id) return a.seq - b.seq;
  return a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0;
}
