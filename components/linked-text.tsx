import { linkifyText } from '@/lib/client/linkify';

/** Free text (a lock's `Info`) with its http(s) URLs as links that open apart from the dashboard. */
export function LinkedText({ text }: { text: string }) {
  return (
    <>
      {linkifyText(text).map((part, i) =>
        'href' in part ? (
          <a key={i} href={part.href} target="_blank" rel="noopener noreferrer" className="text-sky-800 underline hover:text-sky-950">
            {part.text}
          </a>
        ) : (
          <span key={i}>{part.text}</span>
        ),
      )}
    </>
  );
}
