import { readFileSync } from 'node:fs';

/** Whether a process runs (a zombie still answers kill(0); its /proc status says so). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/** Sends a signal to a process (or, with a negative pid, a process group) that may already be gone. */
export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}

/** The command line a running process was started with, as arguments (program first), or undefined. */
export function commandLine(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
  } catch {
    return undefined;
  }
}

/** The hard limit on open files in the text of /proc/PID/limits, or undefined when unlimited or absent. */
export function parseOpenFilesLimit(limits: string): number | undefined {
  const hard = /^Max open files\s+\S+\s+(\S+)/m.exec(limits)?.[1];
  const n = Number(hard);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** The hard limit on open files this process (and so every child it starts) may raise itself to. */
export function openFilesLimit(): number | undefined {
  try {
    return parseOpenFilesLimit(readFileSync('/proc/self/limits', 'utf8'));
  } catch {
    return undefined;
  }
}

/** Waits until a process is gone; true when it went within `ms`. */
export async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !isAlive(pid);
}
