/** Files an agent attaches to a reply: uploaded at once, sent by id with the message. */
import { useState } from "preact/hooks";
import type { AttachmentData } from "../shared/events.gen";
import { ApiError } from "../shared/http";
import type { ConsoleSession } from "./session";

/** The server takes up to 10 attachment ids on one message (protocol.md, `send`). */
export const MAX_FILES = 10;

export interface Upload {
  key: number;
  name: string;
  size: number;
  state: "uploading" | "ready" | "failed";
  attachment?: AttachmentData;
  error?: string;
}

let nextKey = 1;

export function useUploads(session: ConsoleSession) {
  const [uploads, setUploads] = useState<Upload[]>([]);
  const patch = (key: number, change: Partial<Upload>) =>
    setUploads((list) => list.map((u) => (u.key === key ? { ...u, ...change } : u)));

  async function upload(file: File, key: number) {
    try {
      patch(key, { state: "ready", attachment: await session.uploadAttachment(file) });
    } catch (error) {
      patch(key, { state: "failed", error: error instanceof ApiError ? error.message : "Upload failed" });
    }
  }

  return {
    uploads,
    ready: uploads.flatMap((u) => (u.attachment === undefined ? [] : [u.attachment])),
    busy: uploads.some((u) => u.state === "uploading"),
    add(files: Iterable<File>) {
      const room = MAX_FILES - uploads.filter((u) => u.state !== "failed").length;
      const added = [...files].slice(0, Math.max(room, 0)).map((file) => ({ file, key: nextKey++ }));
      setUploads((list) => [
        ...list,
        ...added.map(({ file, key }) => ({ key, name: file.name, size: file.size, state: "uploading" as const })),
      ]);
      for (const { file, key } of added) void upload(file, key);
    },
    remove: (key: number) => setUploads((list) => list.filter((u) => u.key !== key)),
    clear: () => setUploads([]),
  };
}
