import { linkify } from "../../shared/text";

/**
 * A message body: text nodes, and links for http(s)/mailto URLs only. Never markup from
 * the message (no dangerouslySetInnerHTML): `<img onerror=…>` is shown as the text it is.
 */
export function MessageText({ text }: { text: string }) {
  return (
    <>
      {linkify(text).map((segment, i) =>
        segment.href === undefined ? (
          segment.text
        ) : (
          <a key={i} href={segment.href} target="_blank" rel="noopener noreferrer">
            {segment.text}
          </a>
        ),
      )}
    </>
  );
}
