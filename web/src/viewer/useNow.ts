import { useEffect, useState } from 'react';

/** The current time, refreshed every `everyMs` while `enabled` (the offline countdown). */
export function useNow(enabled: boolean, everyMs = 1000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    if (!enabled) return;
    setNow(new Date());
    const timer = setInterval(() => setNow(new Date()), everyMs);
    return () => clearInterval(timer);
  }, [enabled, everyMs]);
  return now;
}
