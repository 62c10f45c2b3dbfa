import { useCallback, useEffect, useState } from 'react';

export interface Loaded<T> {
  data: T | null;
  error: unknown;
  /** Loads again now (and restarts the polling clock). */
  refresh(): void;
  /** Replaces the data with what a change returned, without waiting for the next load. */
  set(data: T): void;
}

/**
 * Loads `load()` once, then every `intervalMs` when given, while the tab is visible (a phone in a pocket
 * stops polling; coming back loads at once). `load` must be stable (useCallback); a failed load keeps the
 * last data and reports the error.
 */
export function useLoad<T>(load: () => Promise<T>, intervalMs?: number): Loaded<T> {
  const [state, setState] = useState<{ data: T | null; error: unknown }>({ data: null, error: null });
  const [round, setRound] = useState(0);

  useEffect(() => {
    let alive = true;
    let busy = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const hidden = () => typeof document !== 'undefined' && document.visibilityState === 'hidden';
    const schedule = () => {
      if (intervalMs === undefined || !alive) return;
      clearTimeout(timer);
      timer = setTimeout(() => (hidden() ? schedule() : void tick()), intervalMs);
    };
    const tick = async () => {
      if (busy) return;
      busy = true;
      try {
        const data = await load();
        if (alive) setState({ data, error: null });
      } catch (error) {
        if (alive) setState((s) => ({ data: s.data, error }));
      } finally {
        busy = false;
        schedule();
      }
    };
    const onVisible = () => {
      if (!hidden()) void tick();
    };
    void tick();
    if (intervalMs !== undefined) document.addEventListener('visibilitychange', onVisible);
    return () => {
      alive = false;
      clearTimeout(timer);
      if (intervalMs !== undefined) document.removeEventListener('visibilitychange', onVisible);
    };
  }, [load, intervalMs, round]);

  const refresh = useCallback(() => setRound((n) => n + 1), []);
  const set = useCallback((data: T) => setState({ data, error: null }), []);
  return { data: state.data, error: state.error, refresh, set };
}
