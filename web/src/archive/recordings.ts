/** A published recording, as GET /api/v1/recordings lists it. */
export interface PublicRecording {
  id: string;
  title: string;
  description: string;
  startedAt: string;
  duration: number;
  video: string;
  audio: string | null;
  poster: string | null;
  page: string;
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const plainPath = (v: unknown) => (typeof v === 'string' && /^\/[A-Za-z0-9/._-]*$/.test(v) ? v : null);

/** Only well-formed entries with same-site paths reach the page. */
export function parseRecording(v: unknown): PublicRecording | null {
  if (typeof v !== 'object' || v === null) return null;
  const r = v as Record<string, unknown>;
  const id = str(r.id);
  const video = plainPath(r.video);
  if (!/^[0-9]{8}-[0-9a-f]{8}$/.test(id) || !video) return null;
  return {
    id,
    title: str(r.title),
    description: str(r.description),
    startedAt: str(r.startedAt),
    duration: typeof r.duration === 'number' ? r.duration : 0,
    video,
    audio: plainPath(r.audio),
    poster: plainPath(r.poster),
    page: plainPath(r.page) ?? `/archivo/${id}`,
  };
}

export async function fetchRecordings(f: typeof fetch = fetch): Promise<PublicRecording[]> {
  const res = await f('/api/v1/recordings', { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(String(res.status));
  const body = (await res.json()) as { recordings?: unknown };
  return (Array.isArray(body.recordings) ? body.recordings : []).map(parseRecording).filter((r): r is PublicRecording => r !== null);
}

/** null when it does not exist or is not published. */
export async function fetchRecording(id: string, f: typeof fetch = fetch): Promise<PublicRecording | null> {
  const res = await f(`/api/v1/recordings/${encodeURIComponent(id)}`, { headers: { accept: 'application/json' } });
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(String(res.status));
  return parseRecording(await res.json());
}

/** The id in /archivo/ID, if the path is one. */
export function recordingIdFrom(pathname: string): string | null {
  const m = /^\/archivo\/([0-9]{8}-[0-9a-f]{8})\/?$/.exec(pathname);
  return m ? m[1]! : null;
}
