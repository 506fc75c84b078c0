import { useConsole, useSession } from "../hooks";

export function Notice() {
  const session = useSession();
  const notice = useConsole((s) => s.notice);
  if (notice === null) return null;
  return (
    <div class="notice" role="alert">
      <span>{notice}</span>
      <button type="button" class="ghost" aria-label="Dismiss" onClick={() => session.dismissNotice()}>
        ×
      </button>
    </div>
  );
}
