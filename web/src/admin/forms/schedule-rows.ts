/**
 * The weekly schedule editor's rows and their rules, matching the server's (day 0–6, "HH:MM" on the
 * 24-hour clock, a title of 1–80 characters, at most 30 services).
 */
import type { ScheduleEntry } from '../../common/schedule';

export interface ScheduleRow extends ScheduleEntry {
  /** A stable React key while rows are added and removed. */
  key: string;
}

export interface RowProblems {
  time?: 'invalid';
  title?: 'empty' | 'too_long';
  /** Another row has the same day and time. */
  duplicate?: true;
}

export const MAX_ROWS = 30;
export const MAX_TITLE = 80;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

let counter = 0;
const nextKey = () => `row-${++counter}`;

export function rowsFrom(entries: readonly ScheduleEntry[]): ScheduleRow[] {
  return entries.map((e) => ({ key: nextKey(), day: e.day, time: e.time, title: e.title }));
}

/** A new row: Sunday 11:00 if there is none yet, else the day after the last row at the same time. */
export function newRow(rows: readonly ScheduleRow[], title: string): ScheduleRow {
  const last = rows[rows.length - 1];
  return { key: nextKey(), day: last ? (last.day + 1) % 7 : 0, time: last?.time ?? '11:00', title };
}

/** One entry of problems per row (empty when the row is fine). */
export function validateRows(rows: readonly ScheduleRow[]): RowProblems[] {
  const slots = new Map<string, number>();
  for (const r of rows) slots.set(`${r.day}|${r.time}`, (slots.get(`${r.day}|${r.time}`) ?? 0) + 1);
  return rows.map((r) => {
    const p: RowProblems = {};
    if (!TIME.test(r.time)) p.time = 'invalid';
    const title = r.title.trim();
    if (!title) p.title = 'empty';
    else if ([...title].length > MAX_TITLE) p.title = 'too_long';
    if ((slots.get(`${r.day}|${r.time}`) ?? 0) > 1) p.duplicate = true;
    return p;
  });
}

export function hasProblems(problems: readonly RowProblems[]): boolean {
  return problems.some((p) => p.time !== undefined || p.title !== undefined || p.duplicate === true);
}

/** What is saved: titles trimmed, in week order (Sunday first, as the server numbers the days). */
export function toEntries(rows: readonly ScheduleRow[]): ScheduleEntry[] {
  return rows
    .map((r) => ({ day: r.day, time: r.time, title: r.title.trim() }))
    .sort((a, b) => a.day - b.day || a.time.localeCompare(b.time));
}
