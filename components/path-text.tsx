import { Fragment } from 'react';

/**
 * A state key, lock ID or other long identifier that wraps after its separators (`/`, `-`, `_`,
 * `.`, `:`) rather than in the middle of a word; a part longer than the line still breaks anywhere.
 */
export function PathText({ text, className }: { text: string; className?: string }) {
  const parts = text.split(/(?<=[/\-_.:])/);
  return (
    <span className={`[overflow-wrap:anywhere] ${className ?? ''}`}>
      {parts.map((p, i) => (
        <Fragment key={i}>
          {p}
          {i < parts.length - 1 ? <wbr /> : null}
        </Fragment>
      ))}
    </span>
  );
}
