import { useEffect, useState } from "preact/hooks";
import type { Conversation } from "../../../shared/events.gen";
import { loadVisitor, messageOf } from "../../contextActions";
import { useConsole, useSession } from "../../hooks";
import { resources } from "../../resources";
import { t } from "../../strings";
import { ContactCard } from "./ContactCard";
import { DeviceFacts } from "./DeviceFacts";
import { OutOfHoursBadge } from "./OutOfHoursBadge";
import { PageTrail } from "./PageTrail";
import { PreviousConversations } from "./PreviousConversations";

/**
 * Beside the open conversation: who the visitor is, where they are on the site (live,
 * from contact.page_viewed), their device and local time, and their other chats.
 * At tablet width it folds into a drawer opened by a button.
 */
export function VisitorSidebar() {
  const conversation = useConsole((s) => (s.selectedId === null ? undefined : s.conversations[s.selectedId]));
  const [open, setOpen] = useState(false);
  if (conversation === undefined) return null;
  return (
    <>
      <button type="button" class="ghost small sidebar-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
        {t.sidebar.toggle}
      </button>
      <aside class="visitor-sidebar" aria-label={t.sidebar.label} data-open={open ? "true" : undefined}>
        <button type="button" class="icon-button sidebar-close" aria-label={t.sidebar.close} onClick={() => setOpen(false)}>
          ×
        </button>
        <SidebarBody key={conversation.contact.id} conversation={conversation} />
      </aside>
    </>
  );
}

function SidebarBody({ conversation }: { conversation: Conversation }) {
  const { store } = useSession();
  const contactId = conversation.contact.id;
  const contact = useConsole((s) => s.contacts[contactId]);
  const views = useConsole((s) => s.pageViews[contactId]);
  const [previous, setPrevious] = useState<readonly Conversation[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    loadVisitor(store, contactId).catch((err: unknown) => live && setError(messageOf(err, t.common.failed)));
    resources
      .contactConversations(contactId)
      .then((items) => live && setPrevious(items))
      .catch(() => undefined); // the list is a convenience; the rest of the sidebar stands without it
    return () => {
      live = false;
    };
  }, [store, contactId]);

  if (error !== null) return <p class="field-error" role="alert">{error}</p>;
  if (contact === undefined) return <p class="muted">{t.common.loading}</p>;
  return (
    <>
      <OutOfHoursBadge conversation={conversation} />
      <ContactCard contact={contact} />
      <PageTrail views={views ?? []} />
      <DeviceFacts device={contact.device} />
      <PreviousConversations items={previous} currentId={conversation.id} />
    </>
  );
}
