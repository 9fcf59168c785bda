/**
 * Splits free text (a lock's `Info`, where CI wrappers put the run's URL) into text and links. Only
 * http and https URLs become links: the text is written by whoever took the lock, so a `javascript:`
 * or `data:` URL must stay text. Pure.
 */
export type TextPart = { text: string } | { text: string; href: string };

const URL_CANDIDATE = /\bhttps?:\/\/[^\s<>"'`]+/gi;
/** Punctuation that ends a sentence rather than the URL ("see https://ci/run/1."). */
const TRAILING = /[.,;:!?'")\]}>]+$/;

export function linkifyText(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const m of text.matchAll(URL_CANDIDATE)) {
    const candidate = trimTrailing(m[0]);
    const href = safeHttpUrl(candidate);
    if (!href) continue;
    const start = m.index;
    if (start > last) parts.push({ text: text.slice(last, start) });
    parts.push({ text: candidate, href });
    last = start + candidate.length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}

function trimTrailing(candidate: string): string {
  const trail = TRAILING.exec(candidate);
  if (!trail) return candidate;
  const kept = candidate.slice(0, candidate.length - trail[0].length);
  // A closing parenthesis belongs to a URL that opened one (Wikipedia-style paths): keep one.
  const opens = kept.split('(').length - kept.split(')').length;
  return opens > 0 && trail[0].startsWith(')') ? `${kept})` : kept;
}

/** The URL normalised when it is http(s) with a host, else null. */
function safeHttpUrl(candidate: string): string | null {
  try {
    const url = new URL(candidate);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' ? url.href : null;
  } catch {
    return null;
  }
}
