import { useEffect, useState } from 'react';

/** How long the picture may wait for data before the viewer is told: a short hiccup shows nothing. */
export const STALL_NOTICE_MS = 1500;

/** True once `waiting` has lasted `delayMs` without a break (reset as soon as it stops). */
export function useDelayedFlag(waiting: boolean, delayMs = STALL_NOTICE_MS): boolean {
  const [shown, setShown] = useState(false);
  useEffect(() => {
    if (!waiting) {
      setShown(false);
      return;
    }
    const timer = setTimeout(() => setShown(true), delayMs);
    return () => clearTimeout(timer);
  }, [waiting, delayMs]);
  return shown;
}

/** A notice that disappears by itself after `ms` (a new value restarts the clock). */
export function useTransientNotice<T>(ms: number): [T | null, (value: T) => void] {
  const [value, setValue] = useState<{ v: T; n: number } | null>(null);
  useEffect(() => {
    if (!value) return;
    const timer = setTimeout(() => setValue(null), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return [value?.v ?? null, (v: T) => setValue((old) => ({ v, n: (old?.n ?? 0) + 1 }))];
}
