import type { Lang } from '../i18n/catalogue';

/** The archive's words, Spanish first. Kept beside the archive so its pages stay one folder. */
const es = {
  archiveTitle: 'Archivo de servicios',
  archiveLead: 'Vea o escuche los servicios anteriores.',
  empty: 'Aún no hay grabaciones publicadas.',
  loading: 'Cargando…',
  loadFailed: 'No se pudo cargar el archivo. Intente de nuevo en un momento.',
  notFound: 'Esta grabación no existe o ya no está publicada.',
  back: '← Todas las grabaciones',
  watchLatest: 'Vea el último servicio',
  downloadVideo: 'Descargar vídeo',
  downloadAudio: 'Descargar audio',
  audioOnly: 'Solo audio (conexión lenta)',
  watchVideo: 'Ver el vídeo',
  podcast: 'Podcast',
  duration: (s: number) => formatDuration(s),
  videoLabel: (title: string) => `Grabación: ${title}`,
  admin: {
    title: 'Grabaciones',
    intro: 'Cada transmisión se graba sola. Aquí puede renombrarlas, recortarlas, publicarlas o borrarlas.',
    disk: (used: string, free: string) => `Grabaciones: ${used} · Libre en el disco: ${free}`,
    privateByDefault: 'Nuevas grabaciones privadas hasta que las publique',
    keepLast: 'Conservar solo las últimas (vacío = todas)',
    keepDays: 'Conservar solo los últimos días (vacío = todos)',
    saveSettings: 'Guardar ajustes',
    none: 'Aún no hay grabaciones.',
    status: { recording: 'Grabando…', finalising: 'Preparando…', ready: 'Lista', failed: 'Error' } as Record<string, string>,
    published: 'Publicada',
    titleLabel: 'Título',
    description: 'Descripción',
    save: 'Guardar',
    trimStart: 'Cortar desde (s)',
    trimEnd: 'hasta (s)',
    prepareTrim: 'Preparar corte',
    trimPending: (d: string) => `Corte preparado: ${d}. El original se conserva hasta que guarde.`,
    previewTrim: 'Ver el corte',
    saveTrim: 'Guardar corte',
    discardTrim: 'Descartar corte',
    download: 'Descargar',
    remove: 'Borrar',
    confirmRemove: (title: string) => `¿Borrar «${title}»? No se puede deshacer.`,
    failed: 'No se pudo completar. Intente de nuevo.',
  },
};
export type ArchiveStrings = typeof es;

const en: ArchiveStrings = {
  archiveTitle: 'Service archive',
  archiveLead: 'Watch or listen to past services.',
  empty: 'No published recordings yet.',
  loading: 'Loading…',
  loadFailed: 'The archive could not be loaded. Try again in a moment.',
  notFound: 'This recording does not exist or is no longer published.',
  back: '← All recordings',
  watchLatest: 'Watch the latest service',
  downloadVideo: 'Download video',
  downloadAudio: 'Download audio',
  audioOnly: 'Audio only (slow connection)',
  watchVideo: 'Watch the video',
  podcast: 'Podcast',
  duration: (s: number) => formatDuration(s),
  videoLabel: (title: string) => `Recording: ${title}`,
  admin: {
    title: 'Recordings',
    intro: 'Every broadcast is recorded by itself. Rename, trim, publish or delete them here.',
    disk: (used: string, free: string) => `Recordings: ${used} · Free disk: ${free}`,
    privateByDefault: 'New recordings private until I publish them',
    keepLast: 'Keep only the latest (empty = all)',
    keepDays: 'Keep only the last days (empty = all)',
    saveSettings: 'Save settings',
    none: 'No recordings yet.',
    status: { recording: 'Recording…', finalising: 'Preparing…', ready: 'Ready', failed: 'Error' },
    published: 'Published',
    titleLabel: 'Title',
    description: 'Description',
    save: 'Save',
    trimStart: 'Cut from (s)',
    trimEnd: 'to (s)',
    prepareTrim: 'Prepare cut',
    trimPending: (d: string) => `Cut prepared: ${d}. The original stays until you save.`,
    previewTrim: 'Watch the cut',
    saveTrim: 'Save cut',
    discardTrim: 'Discard cut',
    download: 'Download',
    remove: 'Delete',
    confirmRemove: (title: string) => `Delete “${title}”? This cannot be undone.`,
    failed: 'Could not be done. Try again.',
  },
};

export const archiveStrings: Record<Lang, ArchiveStrings> = { es, en };

/** 1:02:05 or 45:10. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** "domingo 6 de diciembre de 2026" / "Sunday, December 6, 2026", in the church's time zone. */
export function formatDate(iso: string, lang: Lang, timeZone: string): string {
  return new Intl.DateTimeFormat(lang === 'es' ? 'es-CL' : 'en-US', { timeZone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(iso));
}
