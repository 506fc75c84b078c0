import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";

interface Props {
  /** The button's text. */
  label: ComponentChildren;
  /** The panel's accessible name (a dialog). */
  title: string;
  buttonClass?: string;
  buttonLabel?: string;
  align?: "left" | "right";
  children: (close: () => void) => ComponentChildren;
}

/** A button that opens a small panel; Escape or a click elsewhere closes it. */
export function Popover({ label, title, buttonClass = "ghost small", buttonLabel, align = "right", children }: Props) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const close = () => setOpen(false);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: PointerEvent) => {
      if (root.current !== null && !root.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") setOpen(false);
    };
    document.addEventListener("pointerdown", onDown);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onDown);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  return (
    <div class="popover-root" ref={root}>
      <button type="button" class={buttonClass} aria-expanded={open} aria-haspopup="dialog" aria-label={buttonLabel} onClick={() => setOpen(!open)}>
        {label}
      </button>
      {open && (
        <div class={`popover ${align}`} role="dialog" aria-label={title}>
          {children(close)}
        </div>
      )}
    </div>
  );
}
