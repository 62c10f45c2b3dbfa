import { useCallback, useMemo, useState } from 'react';
import { useI18n } from '../../i18n/I18nProvider';
import { archiveStrings, formatDuration } from '../../archive/strings';
import { ApiError, localMessage } from '../api/api';
import { ConfirmDialog } from '../ConfirmDialog';
import { useLoad } from '../hooks/useLoad';

interface AdminRecording {
  id: string;
  title: string;
  description: string;
  startedAt: string;
  duration: number;
  status: string;
  published: boolean;
  diskBytes: number;
  pendingTrim: { start: number; end: number; duration: number } | null;
  error: string | null;
}
interface Listing {
  recordings: AdminRecording[];
  disk: { freeBytes: number; usedBytes: number };
  settings: { privateByDefault: boolean; keepLast: number | null; keepDays: number | null };
  health: { recording: string | null; error: { code: string; message: string } | null };
}

const bytes = (n: number) => (n >= 1e9 ? `${(n / 1e9).toFixed(1)} GB` : `${Math.round(n / 1e6)} MB`);

/** The recordings client: same session and CSRF token as the rest of the dashboard. */
function recordingsApi(csrfToken: string, onSignedOut: () => void) {
  const call = async <T,>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`/api/v1/admin/recordings${path}`, {
      method,
      credentials: 'same-origin',
      headers: { accept: 'application/json', ...(method === 'GET' ? {} : { 'x-csrf-token': csrfToken }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (res.status === 401) onSignedOut();
    if (!res.ok) {
      const e = (await res.json().catch(() => ({}))) as { error?: string; message?: string };
      throw new ApiError(res.status, e.error ?? 'http', e.message ?? '');
    }
    return (await res.json()) as T;
  };
  return {
    list: () => call<Listing>('GET', ''),
    change: (id: string, c: Partial<Pick<AdminRecording, 'title' | 'description' | 'published'>>) => call<AdminRecording>('PATCH', `/${id}`, c),
    remove: (id: string) => call<{ ok: boolean }>('DELETE', `/${id}`),
    trim: (id: string, start: number, end: number) => call<AdminRecording>('POST', `/${id}/trim`, { start, end }),
    saveTrim: (id: string) => call<AdminRecording>('POST', `/${id}/trim/save`),
    discardTrim: (id: string) => call<AdminRecording>('DELETE', `/${id}/trim`),
    settings: (s: Partial<Listing['settings']>) => call<Listing['settings']>('PUT', '/settings', s),
  };
}

/** The archive in the dashboard: every recording, its publishing, trims and deletion; disk and retention. */
export function RecordingsCard({ csrfToken, onSessionEnded }: { csrfToken: string; onSessionEnded(): void }) {
  const { lang } = useI18n();
  const a = archiveStrings[lang].admin;
  const api = useMemo(() => recordingsApi(csrfToken, onSessionEnded), [csrfToken, onSessionEnded]);
  const listing = useLoad(useCallback(() => api.list(), [api]), 10_000);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [removing, setRemoving] = useState<AdminRecording | null>(null);
  const act = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError('');
    try {
      await fn();
      listing.refresh();
    } catch (err) {
      setError(err instanceof ApiError && err.message ? localMessage(err.message, lang) : a.failed);
    } finally {
      setBusy(false);
    }
  };
  const data = listing.data;
  return (
    <section className="adm-card" id="recordings" aria-labelledby="recordings-title">
      <h2 id="recordings-title">{a.title}</h2>
      <p className="field-hint">{a.intro}</p>
      {data?.health.error && (
        <p className="adm-banner" role="alert" data-code={data.health.error.code}>
          {localMessage(data.health.error.message, lang)}
        </p>
      )}
      {data && <p className="field-hint">{a.disk(bytes(data.disk.usedBytes), bytes(data.disk.freeBytes))}</p>}
      {data && <SettingsForm key={JSON.stringify(data.settings)} settings={data.settings} busy={busy} onSave={(s) => void act(() => api.settings(s))} />}
      <p className="field-error" role="alert">
        {error}
      </p>
      {data && data.recordings.length === 0 && <p>{a.none}</p>}
      <ul className="adm-rows">
        {data?.recordings.map((r) => (
          <RecordingRow key={`${r.id}-${r.title}-${r.description}-${r.duration}-${r.pendingTrim?.duration ?? ''}`} r={r} busy={busy} act={act} api={api} onRemove={() => setRemoving(r)} />
        ))}
      </ul>
      <ConfirmDialog
        open={removing !== null}
        title={a.remove}
        confirmLabel={a.remove}
        busy={busy}
        onCancel={() => setRemoving(null)}
        onConfirm={() => {
          const r = removing;
          setRemoving(null);
          if (r) void act(() => api.remove(r.id));
        }}
      >
        <p>{removing ? a.confirmRemove(removing.title) : ''}</p>
      </ConfirmDialog>
    </section>
  );
}

function SettingsForm({ settings, busy, onSave }: { settings: Listing['settings']; busy: boolean; onSave(s: Listing['settings']): void }) {
  const { lang } = useI18n();
  const a = archiveStrings[lang].admin;
  const [priv, setPriv] = useState(settings.privateByDefault);
  const [keepLast, setKeepLast] = useState(settings.keepLast === null ? '' : String(settings.keepLast));
  const [keepDays, setKeepDays] = useState(settings.keepDays === null ? '' : String(settings.keepDays));
  const num = (v: string) => (v.trim() === '' ? null : Math.max(1, Math.floor(Number(v)) || 1));
  return (
    <form
      className="adm-field"
      onSubmit={(e) => {
        e.preventDefault();
        onSave({ privateByDefault: priv, keepLast: num(keepLast), keepDays: num(keepDays) });
      }}
    >
      <label>
        <input type="checkbox" checked={priv} onChange={(e) => setPriv(e.target.checked)} /> {a.privateByDefault}
      </label>
      <label>
        {a.keepLast} <input type="number" min={1} inputMode="numeric" value={keepLast} onChange={(e) => setKeepLast(e.target.value)} />
      </label>
      <label>
        {a.keepDays} <input type="number" min={1} inputMode="numeric" value={keepDays} onChange={(e) => setKeepDays(e.target.value)} />
      </label>
      <div className="adm-actions">
        <button type="submit" className="button button-quiet" disabled={busy}>
          {a.saveSettings}
        </button>
      </div>
    </form>
  );
}

function RecordingRow({ r, busy, act, api, onRemove }: { r: AdminRecording; busy: boolean; act(fn: () => Promise<unknown>): Promise<void>; api: ReturnType<typeof recordingsApi>; onRemove(): void }) {
  const { lang } = useI18n();
  const a = archiveStrings[lang].admin;
  const [title, setTitle] = useState(r.title);
  const [description, setDescription] = useState(r.description);
  const [start, setStart] = useState('0');
  const [end, setEnd] = useState(String(Math.floor(r.duration)));
  const ready = r.status === 'ready';
  const files = `/api/v1/admin/recordings/${r.id}/files`;
  return (
    <li className="adm-row recording-row" data-id={r.id} data-status={r.status}>
      <p>
        <strong>{a.status[r.status] ?? r.status}</strong> · {formatDuration(r.duration)} · {bytes(r.diskBytes)}
        {r.error ? ` · ${r.error}` : ''}
      </p>
      <form
        className="adm-field"
        onSubmit={(e) => {
          e.preventDefault();
          void act(() => api.change(r.id, { title, description }));
        }}
      >
        <label>
          {a.titleLabel} <input value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} />
        </label>
        <label>
          {a.description} <textarea value={description} maxLength={4000} rows={2} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <div className="adm-actions">
          <button type="submit" className="button button-quiet adm-small" disabled={busy}>
            {a.save}
          </button>
          <label>
            <input type="checkbox" checked={r.published} disabled={busy || !ready} onChange={(e) => void act(() => api.change(r.id, { published: e.target.checked }))} /> {a.published}
          </label>
        </div>
      </form>
      {ready && (
        <form
          className="adm-actions"
          onSubmit={(e) => {
            e.preventDefault();
            void act(() => api.trim(r.id, Number(start), Number(end)));
          }}
        >
          <label>
            {a.trimStart} <input type="number" min={0} step="any" value={start} onChange={(e) => setStart(e.target.value)} size={6} />
          </label>
          <label>
            {a.trimEnd} <input type="number" min={0} step="any" value={end} onChange={(e) => setEnd(e.target.value)} size={6} />
          </label>
          <button type="submit" className="button button-quiet adm-small" disabled={busy}>
            {a.prepareTrim}
          </button>
        </form>
      )}
      {r.pendingTrim && (
        <div className="adm-actions">
          <span>{a.trimPending(formatDuration(r.pendingTrim.duration))}</span>
          <a href={`${files}/video.trim.mp4`} target="_blank" rel="noopener">
            {a.previewTrim}
          </a>
          <button type="button" className="button adm-small" disabled={busy} onClick={() => void act(() => api.saveTrim(r.id))}>
            {a.saveTrim}
          </button>
          <button type="button" className="button button-quiet adm-small" disabled={busy} onClick={() => void act(() => api.discardTrim(r.id))}>
            {a.discardTrim}
          </button>
        </div>
      )}
      <div className="adm-actions">
        {ready && (
          <a className="button button-quiet adm-small" href={`${files}/video.mp4?download=1`}>
            {a.download}
          </a>
        )}
        <button type="button" className="button button-quiet adm-danger-quiet adm-small" disabled={busy || r.status === 'recording' || r.status === 'finalising'} onClick={onRemove}>
          {a.remove}
        </button>
      </div>
    </li>
  );
}
