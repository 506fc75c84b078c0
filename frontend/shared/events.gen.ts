// Generated from src/frontdesk/events.py by scripts/gen_ts_types.py — do not edit.

export type AuthorType = "visitor" | "agent" | "system" | "bot";

export interface Author {
  type: AuthorType;
  id: string | null;
  name: string;
}

export interface AttachmentData {
  id: string;
  name: string;
  content_type: string;
  size: number;
  url: string;
  image: boolean;
}

export interface Message {
  id: string;
  conversation_id: string;
  seq: number;
  author: Author;
  body: string;
  private: boolean;
  client_ref: string | null;
  created_at: string;
  system: Record<string, unknown> | null;
  attachments: AttachmentData[];
}

export interface ContactSummary {
  id: string;
  name: string;
  email: string | null;
}

export interface AgentSummary {
  id: string;
  name: string;
}

export interface Conversation {
  id: string;
  website_id: string;
  status: "open" | "pending" | "resolved";
  assignee: AgentSummary | null;
  contact: ContactSummary;
  last_seq: number;
  last_message: Message | null;
  agent_last_read_seq: number;
  contact_last_read_seq: number;
  created_at: string;
  last_activity_at: string;
  team_id?: string | null;
  out_of_hours?: boolean | null;
  queued_at?: string | null;
  rating?: number | null;
  priority?: string | null;
  labels?: string[] | null;
  snoozed_until?: string | null;
}

export interface ConversationCreated {
  conversation: Conversation;
}

export interface ConversationUpdated {
  conversation: Conversation;
  changed: string[];
}

export interface MessageCreated {
  message: Message;
}

export interface ConversationRead {
  conversation_id: string;
  reader: "visitor" | "agent";
  seq: number;
}

export interface Typing {
  conversation_id: string;
  author: Author;
}

export interface ContactUpdated {
  contact: ContactSummary;
}

export interface PageViewData {
  url: string;
  title: string;
  referrer: string;
  created_at: string;
}

export interface PageViewed {
  contact_id: string;
  page_view: PageViewData;
}

export interface WebsiteData {
  id: string;
  name: string;
  settings: Record<string, unknown>;
}

export interface WebsiteUpdated {
  website: WebsiteData;
}

export interface AvailabilityChanged {
  agents_online: boolean;
}

export interface QueueUpdated {
  conversation_id: string;
  position: number;
  estimated_wait_seconds: number;
}

export interface AgentStatusChanged {
  agent: AgentSummary;
  status: "online" | "away" | "offline";
}

export interface MentionCreated {
  conversation_id: string;
  message: Message;
  by: AgentSummary;
}

export interface ContactCreated {
  contact: ContactSummary;
}

export interface ConversationAssigned {
  conversation: Conversation;
  assignee: AgentSummary | null;
}

export interface ConversationResolved {
  conversation: Conversation;
}

export interface RatingSubmitted {
  conversation_id: string;
  score: number;
  comment: string | null;
}

export interface EventDataMap {
  "conversation.created": ConversationCreated;
  "conversation.updated": ConversationUpdated;
  "message.created": MessageCreated;
  "conversation.read": ConversationRead;
  "typing.started": Typing;
  "typing.stopped": Typing;
  "contact.updated": ContactUpdated;
  "contact.page_viewed": PageViewed;
  "website.updated": WebsiteUpdated;
  "availability.changed": AvailabilityChanged;
  "queue.updated": QueueUpdated;
  "agent.status_changed": AgentStatusChanged;
  "mention.created": MentionCreated;
  "contact.created": ContactCreated;
  "conversation.assigned": ConversationAssigned;
  "conversation.resolved": ConversationResolved;
  "rating.submitted": RatingSubmitted;
}

export type EventName = keyof EventDataMap;
