/**
 * Linux /proc readings the media bench needs: a process's CPU time and memory, the process tree, and the
 * machine's total CPU. Every function returns null instead of throwing when a process is gone, because
 * processes come and go under the bench's feet (a transcoder restart, a worker respawn).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let clkTckCache: number | undefined;

/** Clock ticks per second of utime/stime in /proc/PID/stat (`getconf CLK_TCK`, almost always 100). */
export function clkTck(): number {
  if (clkTckCache !== undefined) return clkTckCache;
  try {
    const n = Number.parseInt(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 5000 }).trim(), 10);
    clkTckCache = Number.isFinite(n) && n > 0 ? n : 100;
  } catch {
    clkTckCache = 100;
  }
  return clkTckCache;
}

export interface ProcStat {
  pid: number;
  comm: string;
  /** R, S, D, Z (zombie: exited, not yet reaped), ... */
  state: string;
  ppid: number;
  /** utime + stime, in clock ticks. */
  cpuTicks: number;
  /** Start time in ticks since boot: with the pid, identifies one process even if the pid is reused. */
  startTicks: number;
}

export function procStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // comm may contain spaces and parentheses: the fields that follow start after the last ')'.
  const close = text.lastIndexOf(')');
  const comm = text.slice(text.indexOf('(') + 1, close);
  const rest = text.slice(close + 2).split(' ');
  // rest[0] is field 3 (state); field N is rest[N - 3].
  const field = (n: number) => Number(rest[n - 3]);
  return { pid, comm, state: rest[0] ?? '?', ppid: field(4), cpuTicks: field(14) + field(15), startTicks: field(22) };
}

/** A field of /proc/PID/status in kB (VmRSS, VmHWM), or null when the process is gone. */
export function statusKb(pid: number, name: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Proportional set size in kB (shared pages divided among the processes sharing them). */
export function pssKb(pid: number): number | null {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

export function cmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

export function alive(pid: number): boolean {
  const s = procStat(pid);
  // A zombie has exited; only its parent's wait is missing.
  return s !== null && s.state !== 'Z';
}

/** Every process on the machine (a snapshot; processes may vanish while it is read). */
function allProcs(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = procStat(Number(name));
    if (s) out.push(s);
  }
  return out;
}

/** All descendants of a process, children first. */
export function descendants(root: number): ProcStat[] {
  const procs = allProcs();
  const byParent = new Map<number, ProcStat[]>();
  for (const p of procs) byParent.set(p.ppid, [...(byParent.get(p.ppid) ?? []), p]);
  const out: ProcStat[] = [];
  const queue = [root];
  // Bounded: a process tree cannot be larger than the process table.
  for (let i = 0; i < queue.length && i < procs.length + 1; i++) {
    for (const c of byParent.get(queue[i]!) ?? []) {
      out.push(c);
      queue.push(c.pid);
    }
  }
  return out;
}

export interface SystemCpu {
  /** Busy ticks (everything except idle and iowait) over all CPUs. */
  busy: number;
  total: number;
  cpus: number;
}

export function systemCpu(): SystemCpu {
  const text = readFileSync('/proc/stat', 'utf8');
  const first = text.split('\n')[0] ?? '';
  const v = first.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already counted in user).
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  const cpus = (text.match(/^cpu\d+ /gm) ?? []).length;
  return { busy: total - idle, total, cpus };
}

export function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    return m?.[1]?.trim() ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
