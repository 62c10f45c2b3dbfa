import { useCallback, useId, useState, type FormEvent } from 'react';
import { useI18n } from '../../i18n/I18nProvider';
import { localMessage, type AdminClient } from '../api/api';
import { errorText } from '../api/error-text';
import { SaveBar, useSave } from '../forms/SaveBar';
import type { SimulcastDestination, SimulcastDocument } from '../api/types';
import { useLoad, type Loaded } from '../hooks/useLoad';

const POLL_MS = 3000;

/**
 * Simulcast: a live card per destination (connecting / sending / failing and why, bitrate, uptime,
 * reconnects, the platform's advice) and a form to add one from a preset. Keys are only ever typed in.
 */
export function SimulcastCard({ client, live }: { client: AdminClient; live: boolean }) {
  const { t, lang } = useI18n();
  const s = t.admin.simulcast;
  const loaded = useLoad(useCallback(() => client.simulcast(), [client]), POLL_MS);
  const doc = loaded.data;
  return (
    <section className="adm-card" id="simulcast" aria-labelledby="simulcast-title">
      <h2 id="simulcast-title">{s.title}</h2>
      <p className="field-hint">{s.intro}</p>
      {!doc ? (
        <p className={loaded.error ? 'field-error' : 'field-hint'}>{loaded.error ? errorText(loaded.error, t, lang) : t.loading}</p>
      ) : (
        <>
          {doc.destinations.length === 0 ? <p className="field-hint">{s.none}</p> : null}
          <ul className="adm-rows">
            {doc.destinations.map((d) => (
              <DestinationRow key={d.id} d={d} client={client} loaded={loaded} live={live} />
            ))}
          </ul>
          <AddDestination client={client} doc={doc} onAdded={loaded.refresh} />
        </>
      )}
    </section>
  );
}

export function DestinationRow({ d, client, loaded, live }: { d: SimulcastDestination; client: AdminClient; loaded: Loaded<SimulcastDocument>; live: boolean }) {
  const { t, lang } = useI18n();
  const s = t.admin.simulcast;
  const [error, setError] = useState('');
  const st = d.status;
  const change = async (request: () => Promise<unknown>) => {
    setError('');
    try {
      await request();
      loaded.refresh();
    } catch (err) {
      setError(errorText(err, t, lang));
    }
  };
  return (
    <li className="adm-simulcast">
      <p className="adm-state-line">
        <span className={`adm-dot${st.phase === 'sending' ? ' is-live' : st.phase === 'off' ? '' : ' is-reconnecting'}`} aria-hidden="true" />
        <span>{d.name}</span>
        <span className="adm-tag">{s.phase[st.phase]}</span>
      </p>
      <p className="adm-simulcast-detail">
        {d.url} · {s.keySaved(d.key)}
      </p>
      {st.phase === 'sending' ? (
        <p className="adm-simulcast-detail">
          {s.bitrate(st.bitrateKbps)} · {s.uptime(Math.floor(st.uptimeSec / 60))} · {s.reconnects(st.reconnects)}
        </p>
      ) : null}
      {st.reason && st.phase !== 'sending' ? (
        <p className="field-error" role="status">
          {lang === 'es' ? st.reason.es : st.reason.en}
          {st.reconnects > 0 ? ` · ${s.reconnects(st.reconnects)}` : ''}
        </p>
      ) : null}
      {d.enabled && !live && st.phase === 'off' ? <p className="field-hint">{s.offline}</p> : null}
      {d.advice.length ? (
        <ul className="adm-advice-list">
          {d.advice.map((a) => (
            <li key={a.code} className="adm-advice">
              {localMessage(a.message, lang)}
            </li>
          ))}
        </ul>
      ) : null}
      <div className="adm-actions">
        <label className="adm-check">
          <input type="checkbox" checked={d.enabled} onChange={(e) => void change(() => client.changeDestination(d.id, { enabled: e.currentTarget.checked }))} />
          <span>{s.enabled}</span>
        </label>
        <button type="button" className="button button-quiet adm-small adm-danger-quiet" onClick={() => void change(() => client.removeDestination(d.id))}>
          {s.remove}
        </button>
        <span className="field-error" role="alert">
          {error}
        </span>
      </div>
    </li>
  );
}

function AddDestination({ client, doc, onAdded }: { client: AdminClient; doc: SimulcastDocument; onAdded(): void }) {
  const { t } = useI18n();
  const s = t.admin.simulcast;
  const id = useId();
  const [draft, setDraft] = useState({ name: '', preset: doc.presets[0]?.id ?? 'other', url: '', key: '' });
  const { busy, feedback, save } = useSave();
  const preset = doc.presets.find((p) => p.id === draft.preset);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await save(async () => {
      await client.addDestination({ name: draft.name || preset?.label || 'RTMP', preset: draft.preset, ...(preset?.url ? {} : { url: draft.url }), key: draft.key });
      setDraft({ ...draft, name: '', url: '', key: '' });
      onAdded();
    });
  };
  return (
    <form className="adm-form" onSubmit={(e) => void submit(e)} aria-label={s.add}>
      <h3>{s.add}</h3>
      <div className="adm-field">
        <label htmlFor={`${id}-preset`}>{s.preset}</label>
        <select id={`${id}-preset`} value={draft.preset} onChange={(e) => setDraft({ ...draft, preset: e.currentTarget.value })}>
          {doc.presets.map((p) => (
            <option key={p.id} value={p.id}>
              {p.url ? `${p.label} (RTMPS)` : s.presetOther}
            </option>
          ))}
        </select>
      </div>
      <div className="adm-field">
        <label htmlFor={`${id}-name`}>{s.name}</label>
        <input id={`${id}-name`} value={draft.name} maxLength={60} placeholder={preset?.url ? preset.label : ''} onChange={(e) => setDraft({ ...draft, name: e.currentTarget.value })} />
      </div>
      {preset?.url ? null : (
        <div className="adm-field">
          <label htmlFor={`${id}-url`}>{s.url}</label>
          <input id={`${id}-url`} value={draft.url} required inputMode="url" placeholder={s.urlHint} onChange={(e) => setDraft({ ...draft, url: e.currentTarget.value.trim() })} />
        </div>
      )}
      <div className="adm-field">
        <label htmlFor={`${id}-key`}>{s.key}</label>
        <input id={`${id}-key`} type="password" autoComplete="off" required value={draft.key} onChange={(e) => setDraft({ ...draft, key: e.currentTarget.value.trim() })} aria-describedby={`${id}-key-hint`} />
        <p id={`${id}-key-hint`} className="field-hint">
          {s.keyHint}
        </p>
      </div>
      <SaveBar busy={busy} feedback={feedback} />
    </form>
  );
}
