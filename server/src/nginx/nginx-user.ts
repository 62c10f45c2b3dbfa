import { chownSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * Which user nginx's workers run as. Unprivileged (the service's own user) needs no directive. Started as
 * root (a developer's `make start`), workers drop to nobody — unless the data or web folders sit below a
 * folder others cannot enter (e.g. /root), where they must stay root to read and write them.
 */
export function workerUserFor(dirs: string[], writable: string[]): { user: string; group: string; dropped: boolean } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const reachable = dirs.every((d) => ancestors(d).every((a) => othersCanEnter(a)));
  const nobody = lookupId('nobody');
  if (!reachable || nobody === undefined) return { user: 'root', group: 'root', dropped: false };
  const group = groupExists('nogroup') ? 'nogroup' : 'nobody';
  for (const w of writable) chownSync(w, nobody.uid, nobody.gid);
  return { user: 'nobody', group, dropped: true };
}

function ancestors(dir: string): string[] {
  const out: string[] = [];
  let d = path.resolve(dir);
  for (;;) {
    out.push(d);
    const parent = path.dirname(d);
    if (parent === d) return out;
    d = parent;
  }
}

function othersCanEnter(dir: string): boolean {
  try {
    return (statSync(dir).mode & 0o001) !== 0;
  } catch {
    return true; // not created yet: we create it with 0755
  }
}

function lookupId(user: string): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

function groupExists(group: string): boolean {
  try {
    execFileSync('getent', ['group', group], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
