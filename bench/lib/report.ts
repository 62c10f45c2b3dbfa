/** The bench's results: metrics with their runs, median and goal, as JSON and as a Markdown table. */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { cpuModel } from './proc.js';
import { median, round } from './time.js';

export interface Goal {
  /** The figure must be at most this. */
  max: number;
  text: string;
}

export interface Metric {
  label: string;
  unit: string;
  runs: (number | null)[];
  median: number | null;
  goal: Goal | null;
  /** null when there is no goal or no measurement. */
  pass: boolean | null;
  note?: string;
}

export function metric(label: string, unit: string, runs: (number | null)[], goal: Goal | null, digits = 2, note?: string): Metric {
  const valid = runs.filter((x): x is number => x !== null && Number.isFinite(x));
  const med = round(median(valid), digits);
  const m: Metric = {
    label,
    unit,
    runs: runs.map((x) => round(x, digits)),
    median: med,
    goal,
    pass: goal && med !== null ? med <= goal.max : null,
  };
  if (note) m.note = note;
  return m;
}

function version(cmd: string, args: string[]): string {
  // Some tools (nginx -v) print their version on stderr.
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000 });
  return `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n')[0]?.trim() || 'unknown';
}

export function machineInfo() {
  return {
    nproc: os.availableParallelism(),
    cpuModel: cpuModel(),
    memoryMB: Math.round(os.totalmem() / 1048576),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    ffmpeg: version('ffmpeg', ['-hide_banner', '-version']),
    nginx: version('/usr/sbin/nginx', ['-v']),
    loadAverageAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

const fmt = (x: number | null, unit: string) => (x === null ? '—' : unit === '×' ? `${x}×` : `${x} ${unit}`);

export function markdownTable(metrics: Metric[]): string {
  const lines = ['| metric | median | runs | goal |', '|---|---|---|---|'];
  for (const m of metrics) {
    const goal = m.goal ? `${m.goal.text} — ${m.pass === null ? 'not measured' : m.pass ? 'met' : 'missed'}` : '—';
    const runs = m.runs.map((r) => (r === null ? '—' : String(r))).join(', ');
    lines.push(`| ${m.label} | ${fmt(m.median, m.unit)} | ${runs} | ${goal} |`);
  }
  return lines.join('\n');
}
