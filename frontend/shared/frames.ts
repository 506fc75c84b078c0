// The frames of docs/protocol.md, version 1. Event payloads come from the generated
// catalog (events.gen.ts); this file only describes the envelope around them.
import type { EventDataMap, EventName, Message } from "./events.gen";

export const PROTOCOL_VERSION = 1;

export interface HelloFrame {
  type: "hello";
  protocol: typeof PROTOCOL_VERSION;
  token?: string;
  cursors: Record<string, number>;
}

export interface SendFrame {
  type: "send";
  client_ref: string;
  body: string;
  conversation_id?: string;
  private?: boolean;
  /** Uploaded first (POST /widget/attachments); the body may then be empty. */
  attachment_ids?: string[];
}

export interface TypingFrame {
  type: "typing";
  conversation_id: string;
  state: "start" | "stop";
}

export interface ReadFrame {
  type: "read";
  conversation_id: string;
  seq: number;
}

/** Start tracking more conversations: the server replays what follows each cursor. */
export interface ResumeFrame {
  type: "resume";
  cursors: Record<string, number>;
}

export type ClientFrame = HelloFrame | SendFrame | TypingFrame | ReadFrame | ResumeFrame | { type: "ping" };

export interface WelcomeFrame {
  type: "welcome";
  protocol: number;
  session: { kind: "visitor" | "agent"; id: string; workspace_id: string };
  heartbeat_seconds: number;
  limits?: { body_max_chars: number; frame_max_bytes: number };
}

export interface EventFrame<K extends EventName = EventName> {
  type: "event";
  event: K;
  conversation_id?: string;
  seq?: number;
  data: EventDataMap[K];
}

export interface AckFrame {
  type: "ack";
  client_ref: string;
  message: Message;
  duplicate: boolean;
}

export interface ErrorFrame {
  type: "error";
  code: string;
  message: string;
  field?: string;
  ref?: string;
  client_ref?: string;
}

export type ServerFrame =
  | WelcomeFrame
  | EventFrame
  | AckFrame
  | ErrorFrame
  | { type: "synced" }
  | { type: "pong" };

/** Close codes after which reconnecting cannot help (docs/protocol.md, "Close codes"). */
export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_UNSUPPORTED = 4400;
