/**
 * Key globs of the access rules, shared by the server's checks (lib/auth/access.ts) and the UI's
 * "may this caller do it here?" (lib/queries/session.ts), so both read a rule the same way.
 * `**` matches anything (slashes too), `*` anything but `/`, `?` one character but `/`; the rest is literal.
 */
const globCache = new Map<string, RegExp>();

export function globToRegExp(glob: string): RegExp {
  let re = globCache.get(glob);
  if (!re) {
    let out = '';
    for (let i = 0; i < glob.length; i++) {
      const c = glob[i]!;
      if (c === '*' && glob[i + 1] === '*') {
        out += '.*';
        i++;
      } else if (c === '*') out += '[^/]*';
      else if (c === '?') out += '[^/]';
      else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    re = new RegExp(`^${out}$`, 's');
    if (globCache.size < 1000) globCache.set(glob, re);
  }
  return re;
}

export function globMatches(glob: string, value: string): boolean {
  return globToRegExp(glob).test(value);
}
