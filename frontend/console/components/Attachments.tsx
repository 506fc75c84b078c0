import type { AttachmentData } from "../../shared/events.gen";
import { formatBytes } from "../format";
import { safeFileUrl } from "../../shared/text";

/** A message's files: images as thumbnails that open full size, others as downloads. */
export function Attachments({ files }: { files: readonly AttachmentData[] }) {
  if (files.length === 0) return null;
  return (
    <ul class="attachments" aria-label="Attachments">
      {files.map((file) => (
        <li key={file.id}>
          <AttachmentLink file={file} />
        </li>
      ))}
    </ul>
  );
}

function AttachmentLink({ file }: { file: AttachmentData }) {
  const url = safeFileUrl(file.url);
  const size = formatBytes(file.size);
  if (url === null) return <span class="file">{file.name}</span>;
  if (file.image) {
    return (
      <a class="thumbnail" href={url} target="_blank" rel="noopener noreferrer" title={`${file.name} (${size})`}>
        <img src={url} alt={file.name} loading="lazy" />
      </a>
    );
  }
  return (
    <a class="file" href={url} download={file.name} rel="noopener noreferrer">
      <FileIcon />
      <span class="file-name">{file.name}</span>
      <span class="file-size">{size}</span>
    </a>
  );
}

function FileIcon() {
  return (
    <svg viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true">
      <path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z" />
      <path d="M14 3v5h5" />
    </svg>
  );
}
