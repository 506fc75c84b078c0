import { CopyButton } from "../CopyButton";

/** The one line a site adds to show the widget. */
export function SnippetBox({ snippet }: { snippet: string }) {
  return (
    <section class="card settings-section" aria-labelledby="snippet-title">
      <h3 id="snippet-title">Install the widget</h3>
      <p class="muted">
        Paste this line before <code>&lt;/body&gt;</code> on every page of your site. Changes you save here reach
        the widget without touching it again.
      </p>
      <div class="code-box">
        <textarea
          class="mono snippet"
          aria-label="Embed snippet"
          readOnly
          rows={2}
          value={snippet}
          onFocus={(e) => e.currentTarget.select()}
        />
        <CopyButton text={snippet} label="Copy snippet" class="primary" />
      </div>
    </section>
  );
}
