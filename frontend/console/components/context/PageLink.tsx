import { safeHref } from "../../../shared/text";

/** A page the visitor reported: a link when it is http(s), plain text otherwise. */
export function PageLink({ url, title }: { url: string; title?: string }) {
  const href = safeHref(url);
  const text = title !== undefined && title !== "" ? title : url;
  if (href === null || !href.startsWith("http")) return <span title={url}>{text}</span>;
  return (
    <a href={href} target="_blank" rel="noopener noreferrer" title={url}>
      {text}
    </a>
  );
}
