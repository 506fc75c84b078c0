/**
 * When the console should call the agent's attention (sound and desktop notification),
 * and the browser parts that do it. The desktop permission is asked once, from a click
 * (browsers refuse or penalize prompts without a user gesture); the answer is the
 * browser's to keep, and "asked" is remembered here so the offer does not come back.
 */
import type { Conversation, Message } from "../../shared/events.gen";

export interface Alert {
  title: string;
  body: string;
  /** One notification per conversation: a newer one replaces it. */
  conversationId: string;
}

/** A visitor message calls for attention in chats that are the agent's or nobody's, unless on screen. */
export function alertsForMessage(
  c: Conversation,
  m: Message,
  { meId, selectedId, hidden }: { meId: string; selectedId: string | null; hidden: boolean },
): boolean {
  if (m.author.type !== "visitor") return false;
  if (c.assignee !== null && c.assignee.id !== meId) return false;
  return hidden || c.id !== selectedId;
}

/** A new chat calls for attention unless the agent started it (from the live visitors list). */
export function alertsForNewChat(c: Conversation, meId: string): boolean {
  const author = c.last_message?.author;
  return !(author?.type === "agent" && author.id === meId);
}

/** The tab title with the unread count in front, as mail and chat apps do. */
export function titleWith(base: string, unread: number): string {
  return unread > 0 ? `(${unread}) ${base}` : base;
}

/** Sounds closer together than this play once: a burst of messages is one ding. */
export const SOUND_GAP_MS = 1_500;

const ASKED_KEY = "frontdesk.notifications.asked";
const SOUND_KEY = "frontdesk.notifications.sound";

export type Permission = NotificationPermission | "unsupported";

export class Alerts {
  private audio: AudioContext | null = null;
  private lastSound = 0;

  constructor(private readonly open: (conversationId: string) => void) {}

  permission(): Permission {
    return typeof Notification === "undefined" ? "unsupported" : Notification.permission;
  }

  /** True while the console may offer to turn desktop notifications on. */
  canOffer(): boolean {
    return this.permission() === "default" && read(ASKED_KEY) !== "1";
  }

  /** Call from a click handler only. */
  async ask(): Promise<Permission> {
    write(ASKED_KEY, "1");
    if (typeof Notification === "undefined") return "unsupported";
    return Notification.requestPermission();
  }

  soundOn(): boolean {
    return read(SOUND_KEY) !== "off";
  }

  setSound(on: boolean): void {
    write(SOUND_KEY, on ? "on" : "off");
  }

  fire(alert: Alert): void {
    if (this.soundOn()) this.ding();
    if (this.permission() !== "granted") return;
    try {
      const n = new Notification(alert.title, { body: alert.body, tag: alert.conversationId });
      n.onclick = () => {
        window.focus();
        this.open(alert.conversationId);
        n.close();
      };
    } catch {
      // Some browsers (Android Chrome) only notify from a service worker: the sound is enough.
    }
  }

  /** A short two-tone chime made on the spot: no audio file to download. */
  private ding(): void {
    const now = Date.now();
    if (now - this.lastSound < SOUND_GAP_MS || typeof AudioContext === "undefined") return;
    this.lastSound = now;
    try {
      this.audio ??= new AudioContext();
      const ctx = this.audio;
      void ctx.resume().catch(() => undefined); // suspended until the first click on the page
      for (const [i, freq] of [880, 1320].entries()) {
        const osc = ctx.createOscillator();
        const gain = ctx.createGain();
        const start = ctx.currentTime + i * 0.12;
        osc.frequency.value = freq;
        gain.gain.setValueAtTime(0.15, start);
        gain.gain.exponentialRampToValueAtTime(0.001, start + 0.25);
        osc.connect(gain).connect(ctx.destination);
        osc.start(start);
        osc.stop(start + 0.25);
      }
    } catch {
      // no audio output: nothing to do
    }
  }
}

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // not remembered: the offer may come back next time
  }
}
