/**
 * Helpers for the fault suite (test/faults/): an OBS-like publisher that reconnects on its own, a watcher of
 * a playlist's progress as a player would see it, and the figures the README's reliability table reports.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { parseMediaPlaylist } from '../../server/src/observe/playlist.js';
import { commandLine, signal } from '../../server/src/process/processes.js';
import { publish, sleep, type Publisher } from './platform.js';

/** One line the lead collects for the README's "Reliability" table. */
export function figure(name: string, value: number | string): void {
  console.log(`FIGURE ${name}=${typeof value === 'number' ? Math.round(value * 100) / 100 : value}`);
}

export function readPid(file: string): number {
  const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
  if (!Number.isInteger(pid) || pid <= 1) throw new Error(`no pid in ${file}`);
  return pid;
}

/** Fields of /proc/PID/stat after the command (field 3, the state, comes first), or undefined once gone. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command (field 2) may hold spaces, so read after its ")".
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Pids of the running processes (zombies, state Z, excluded) that satisfy `match`. */
export function pidsWhere(match: (pid: number, fields: string[]) => boolean): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    const fields = statFields(pid);
    if (fields && fields[0] !== 'Z' && match(pid, fields)) out.push(pid);
  }
  return out;
}

/** Direct children of a process (from /proc), e.g. nginx's workers. */
export function childrenOf(pid: number): number[] {
  return pidsWhere((_, fields) => Number(fields[1]) === pid);
}

/** Running members of a process group (an nginx master leads its workers' group). */
export function groupMembers(pgid: number): number[] {
  return pidsWhere((_, fields) => Number(fields[2]) === pgid);
}

export function cmdline(pid: number): string {
  return (commandLine(pid) ?? []).join(' ');
}

/** Kills exactly these pids (processes this test caused to exist), ignoring those already gone. */
export function killPids(pids: Iterable<number>, sig: NodeJS.Signals = 'SIGKILL'): void {
  for (const pid of pids) signal(pid, sig);
}

/**
 * A publisher that behaves like OBS with "automatically reconnect" on: when its connection drops it tries
 * again after `retryMs`, until stopped.
 */
export interface RetryingPublisher {
  /** How many publishers were started (1 = never had to reconnect). */
  readonly attempts: number;
  readonly current: Publisher;
  /** When each publisher after the first was started (epoch ms). */
  readonly reconnects: number[];
  stop(): Promise<void>;
}

export function retryingPublisher(url: string, retryMs = 2000): RetryingPublisher {
  let stopped = false;
  let current = publish(url);
  let attempts = 1;
  const reconnects: number[] = [];
  const loop = async () => {
    while (!stopped) {
      await current.exited;
      if (stopped) return;
      await sleep(retryMs);
      if (stopped) return;
      current = publish(url);
      attempts += 1;
      reconnects.push(Date.now());
    }
  };
  const running = loop();
  return {
    get attempts() {
      return attempts;
    },
    get current() {
      return current;
    },
    reconnects,
    async stop() {
      stopped = true;
      await current.stop();
      await running;
    },
  };
}

export interface PlaylistPoint {
  at: number;
  status: number;
  /** Media sequence number of the newest listed segment (mediaSequence + count - 1). */
  newest?: number;
  newestUri?: string;
}

export async function playlistPoint(url: string): Promise<PlaylistPoint> {
  const at = Date.now();
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
    const body = await r.text();
    const pl = r.status === 200 ? parseMediaPlaylist(body) : null;
    if (!pl || pl.segments.length === 0) return { at, status: r.status };
    return { at, status: r.status, newest: pl.mediaSequence + pl.segments.length - 1, newestUri: pl.segments[pl.segments.length - 1]!.uri };
  } catch {
    return { at, status: 0 };
  }
}

/**
 * Polls a playlist the way a player does and records how it advances, to prove a rendition never stalled:
 * `maxGapSec` is the longest time without a new segment.
 */
export function watchPlaylist(url: string, everyMs = 250) {
  const points: PlaylistPoint[] = [];
  let stopped = false;
  const running = (async () => {
    while (!stopped) {
      points.push(await playlistPoint(url));
      await sleep(everyMs);
    }
  })();
  return {
    points,
    async stop() {
      stopped = true;
      await running;
      return summarise(points);
    },
  };
}

export function summarise(points: PlaylistPoint[]) {
  let maxGapSec = 0;
  let lastAdvance: number | undefined;
  let last: number | undefined;
  let wentBack = false;
  let failures = 0;
  for (const p of points) {
    if (p.newest === undefined) {
      failures += 1;
      continue;
    }
    if (last === undefined || p.newest > last) {
      if (last !== undefined && lastAdvance !== undefined) maxGapSec = Math.max(maxGapSec, (p.at - lastAdvance) / 1000);
      lastAdvance = p.at;
      last = p.newest;
    } else if (p.newest < last) wentBack = true;
  }
  // Time since the last advance counts too: a playlist that froze at the end stalled.
  const end = points.at(-1)?.at;
  if (end !== undefined && lastAdvance !== undefined) maxGapSec = Math.max(maxGapSec, (end - lastAdvance) / 1000);
  const first = points.find((p) => p.newest !== undefined)?.newest;
  return { maxGapSec, wentBack, failures, first, last, polls: points.length };
}

/** `ps`-like lines for every process whose command line mentions nginx: what to report when nginx misbehaves. */
export function nginxProcesses(): string {
  const lines: string[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const cmd = cmdline(Number(name));
    if (!cmd.includes('nginx')) continue;
    let ppid = '?';
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      ppid = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]!;
    } catch {
      /* gone */
    }
    lines.push(`pid=${name} ppid=${ppid} ${cmd}`);
  }
  return lines.join('\n');
}

export function fileExists(file: string): boolean {
  return existsSync(file);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}
