/** The shortest recording a trim may leave: a few seconds is a mistake, not a sermon. */
export const MIN_TRIMMED_SECONDS = 5;

export type TrimCheck = { ok: true; start: number; end: number } | { ok: false; message: string };

/** A trim request against a recording of `duration` seconds: inside it, and not too short. */
export function checkTrim(start: number, end: number, duration: number): TrimCheck {
  if (!Number.isFinite(start) || !Number.isFinite(end)) return { ok: false, message: 'Inicio y fin deben ser números / start and end must be numbers' };
  if (start < 0 || end > duration + 0.5) {
    return { ok: false, message: `El corte debe estar dentro de la grabación (0–${Math.floor(duration)} s) / the trim must be inside the recording (0–${Math.floor(duration)} s)` };
  }
  if (end - start < MIN_TRIMMED_SECONDS) {
    return { ok: false, message: `Lo recortado debe durar al menos ${MIN_TRIMMED_SECONDS} s / the trimmed recording must last at least ${MIN_TRIMMED_SECONDS} s` };
  }
  return { ok: true, start, end: Math.min(end, duration) };
}
