/**
 * Loading what the sidebar, live visitors and supervisor pages show into the store.
 * Socket events keep it current afterwards (see session.ts's event table).
 */
import { ApiError } from "../shared/http";
import { resources, type Contact, type ContactPatch } from "./resources";
import type { ConsoleStore } from "./state";
import { byId } from "./visitorContext";

export async function loadVisitor(store: ConsoleStore, contactId: string): Promise<void> {
  const [contact, views] = await Promise.all([resources.contact(contactId), resources.pageViews(contactId)]);
  store.update((s) => ({
    ...s,
    contacts: { ...s.contacts, [contact.id]: contact },
    pageViews: { ...s.pageViews, [contact.id]: views },
  }));
}

/** Saves the agent's edit; the inbox's copy of the name and email follows. */
export async function saveContact(store: ConsoleStore, contactId: string, patch: ContactPatch): Promise<Contact> {
  const contact = await resources.updateContact(contactId, patch);
  store.update((s) => ({ ...s, contacts: { ...s.contacts, [contact.id]: contact } }));
  return contact;
}

export async function loadLiveVisitors(store: ConsoleStore): Promise<void> {
  const visitors = await resources.liveVisitors();
  store.update((s) => ({ ...s, liveStale: false, liveVisitors: Object.fromEntries(visitors.map((v) => [v.contact.id, v])) }));
}

export async function loadAgents(store: ConsoleStore): Promise<void> {
  const agents = await resources.agents();
  store.update((s) => ({ ...s, agents: byId(agents) }));
}

/** A refusal's message for people; anything else gets a generic one. */
export function messageOf(error: unknown, fallback: string): string {
  return error instanceof ApiError ? error.message : fallback;
}
