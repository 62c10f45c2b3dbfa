/**
 * Every spelling of a path an attacker would try to slip past a guard that reads the URL as a string:
 * percent-encoding of any one character (both hex cases), double encoding, overlong UTF-8, encoded and
 * doubled slashes, dot segments, backslashes, trailing slash, `;` parameters, case changes. Pure; the
 * paths are raw request targets (send them with http.request, which does not normalise like fetch).
 */
const hex = (c: string) => c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0');

export function spellings(path: string): string[] {
  const out = new Set<string>();
  const at = (i: number, replacement: string) => `${path.slice(0, i)}${replacement}${path.slice(i + 1)}`;
  const slashes: number[] = [];
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (c === '/') {
      slashes.push(i);
      if (i > 0) {
        out.add(at(i, '%2F'));
        out.add(at(i, '%2f'));
        out.add(at(i, '%252F'));
        out.add(at(i, '%c0%af'));
        out.add(at(i, '\\'));
      }
      continue;
    }
    const h = hex(c);
    out.add(at(i, `%${h}`));
    if (h !== h.toLowerCase()) out.add(at(i, `%${h.toLowerCase()}`));
    out.add(at(i, `%25${h}`));
    if (/[a-z]/.test(c)) {
      out.add(at(i, c.toUpperCase()));
      // Overlong two-byte UTF-8 of an ASCII letter, and its fullwidth look-alike.
      const code = c.charCodeAt(0);
      out.add(at(i, `%${(0xc0 | (code >> 6)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`));
      out.add(at(i, encodeURIComponent(String.fromCharCode(0xff01 + code - 0x21))));
    }
  }
  for (const i of slashes) {
    const before = path.slice(0, i);
    const after = path.slice(i);
    out.add(`${before}/${after}`);
    out.add(`${before}/.${after}`);
    out.add(`${before}/%2e${after}`);
    out.add(`${before}/x/..${after}`);
    out.add(`${before}/x/%2e%2e${after}`);
    out.add(`${before}/x/%2E%2E${after}`);
    out.add(`${before};x=1${after}`);
  }
  out.add(`${path}/`);
  out.add(`${path}/.`);
  out.add(`${path};`);
  out.add(`${path};jsessionid=1`);
  out.add(`${path}%00`);
  out.add(`${path}%20`);
  out.add(`${path}#`);
  out.add(`${path}?`);
  out.add(`/${path}`);
  out.add(path.toUpperCase());
  out.add(path.replace(/\/([a-z])/g, (_m, c: string) => `/${c.toUpperCase()}`));
  out.add(path.replaceAll('/', '\\'));
  out.delete(path);
  return [...out];
}

/** A route pattern made a concrete path (`:id` → a plausible id). */
export const concrete = (pattern: string) => pattern.replace(/:[A-Za-z]+/g, 'abc123').replace(/\*$/, 'x');
