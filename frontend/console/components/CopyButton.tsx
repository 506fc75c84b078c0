import { useEffect, useState } from "preact/hooks";
import { copyText } from "../clipboard";

/** How long "Copied" stays on the button: long enough to read, short enough to copy again. */
const CONFIRMATION_MS = 2000;

interface Props {
  text: string;
  label: string;
  class?: string;
  onCopied?: () => void;
}

/** A button that copies `text` and says so (or says that it could not). */
export function CopyButton({ text, label, class: className = "ghost", onCopied }: Props) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), CONFIRMATION_MS);
    return () => clearTimeout(timer);
  }, [state]);

  async function copy() {
    const ok = await copyText(text);
    setState(ok ? "copied" : "failed");
    if (ok) onCopied?.();
  }

  return (
    <>
      <button type="button" class={className} data-state={state} onClick={() => void copy()}>
        {state === "copied" ? "✓ Copied" : label}
      </button>
      <span class="sr-only" role="status">
        {state === "copied" ? "Copied to the clipboard" : state === "failed" ? "Could not copy: select the text and copy it" : ""}
      </span>
    </>
  );
}
