/**
 * `X-Lockboard-Client`: the tool a change was made through (`cli/<version>`, `mcp/<agent name>`),
 * recorded in its audit record as `via`, next to the user the identity check found (the human behind
 * the agent). It is the caller's own claim and grants nothing: access is decided by the identity alone.
 * Bounded and printable, since it is stored and shown: header values are bytes (a UTF-8 name arrives
 * as Latin-1 characters), so only printable ASCII is kept (controls, DEL and every other byte are
 * dropped), whitespace runs become one space, and at most {@link MAX_VIA_CHARS} characters are kept.
 * Clients send non-ASCII names percent-encoded.
 */
export const CLIENT_HEADER = 'x-lockboard-client';
export const MAX_VIA_CHARS = 128;

/** Read from at most this many characters of the header, so a huge value costs nothing. */
const MAX_READ_CHARS = 1024;

/** The tool a request names in `X-Lockboard-Client`, cleaned and bounded; null when absent or empty. */
export function clientVia(headers: Headers): string | null {
  const raw = headers.get(CLIENT_HEADER);
  if (raw === null) return null;
  const clean = raw
    .slice(0, MAX_READ_CHARS)
    .replace(/\s+/g, ' ')
    .replace(/[^\x20-\x7e]+/g, '')
    .trim();
  return clean === '' ? null : clean.slice(0, MAX_VIA_CHARS);
}
