/**
 * CPU over a window: (utime + stime at the end − at the start) / CLK_TCK / wall seconds = cores used.
 * A group of processes (the origin's three ffmpegs) is summed. If a process exits or is replaced during
 * the window its figure would be meaningless, so the group reports null and says why.
 */
import { clkTck, procStat, systemCpu } from './proc.js';
import { now, sleep } from './time.js';

export interface GroupCpu {
  cores: number | null;
  note?: string;
}

export interface CpuWindow {
  wallSec: number;
  groups: Record<string, GroupCpu>;
  /** The whole machine's busy cores over the window (from /proc/stat), to see whether it was saturated. */
  machineBusyCores: number;
  machineCpus: number;
}

export async function measureCpu(groups: Record<string, number[]>, seconds: number, everySecond?: () => void): Promise<CpuWindow> {
  const tck = clkTck();
  const start = new Map<number, { ticks: number; startTicks: number }>();
  for (const pids of Object.values(groups)) {
    for (const pid of pids) {
      const s = procStat(pid);
      if (s) start.set(pid, { ticks: s.cpuTicks, startTicks: s.startTicks });
    }
  }
  const sys0 = systemCpu();
  const t0 = now();
  // Bounded: one step per second, and never past the window.
  for (let i = 0; i < Math.ceil(seconds) && now() - t0 < seconds * 1000; i++) {
    await sleep(Math.min(1000, seconds * 1000 - (now() - t0)));
    everySecond?.();
  }
  const wallSec = (now() - t0) / 1000;
  const sys1 = systemCpu();
  const out: Record<string, GroupCpu> = {};
  for (const [label, pids] of Object.entries(groups)) {
    if (pids.length === 0) {
      out[label] = { cores: null, note: 'no process' };
      continue;
    }
    let ticks = 0;
    let note: string | undefined;
    for (const pid of pids) {
      const a = start.get(pid);
      const b = procStat(pid);
      if (!a || !b || b.startTicks !== a.startTicks || b.state === 'Z') {
        note = `pid ${pid} exited or was replaced during the window`;
        break;
      }
      ticks += b.cpuTicks - a.ticks;
    }
    out[label] = note ? { cores: null, note } : { cores: ticks / tck / wallSec };
  }
  return { wallSec, groups: out, machineBusyCores: (sys1.busy - sys0.busy) / tck / wallSec, machineCpus: sys1.cpus };
}
