import { execFileSync } from 'node:child_process';

/**
 * A small tmpfs on `dir`, to fill a disk for real. Returns why it could not be mounted (the test is then
 * skipped with that reason), or undefined once mounted.
 */
export function mountTmpfs(dir: string, size: string): string | undefined {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
    return undefined;
  } catch (err) {
    return `cannot mount a tmpfs to fill (needs root / CAP_SYS_ADMIN): ${String((err as { stderr?: Buffer }).stderr ?? (err as Error).message).trim()}`;
  }
}

/** Unmounts it (lazily: a process may still hold a file there); a failure is printed, not thrown. */
export function unmountTmpfs(dir: string): void {
  try {
    execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
  } catch (err) {
    console.log(`# umount ${dir} failed: ${(err as Error).message}`);
  }
}
