import { useCallback, useState } from 'react';
import { useI18n } from '../../i18n/I18nProvider';
import type { AdminClient } from '../api/api';
import { ConfirmDialog } from '../ConfirmDialog';
import { CopyField } from './CopyField';
import { errorText } from '../api/error-text';
import { formatDateTime } from '../format';
import { ObsOverlaySection } from './ObsOverlaySection';
import { HIDDEN_KEY, primaryKey } from './stream-keys';
import { useLoad } from '../hooks/useLoad';

/**
 * Everything OBS needs: the server URL, the stream key (hidden until asked), rotation, the settings, and the
 * chat overlay's browser source.
 */
export function ObsCard({ client, obsServer, origin = '' }: { client: AdminClient; obsServer: string; origin?: string }) {
  const { t, lang } = useI18n();
  const o = t.admin.obs;
  const keys = useLoad(useCallback(() => client.streamKeys(), [client]));
  const [revealed, setRevealed] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const key = primaryKey(keys.data ?? []);
  const fromEnv = key?.source === 'env';

  const rotate = async () => {
    setBusy(true);
    try {
      const fresh = await client.rotateKey();
      keys.set([{ ...fresh, source: 'file' }]);
      setRevealed(true);
      setMessage({ ok: true, text: o.rotated });
    } catch (err) {
      setMessage({ ok: false, text: errorText(err, t, lang) });
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };

  return (
    <section className="adm-card" id="obs" aria-labelledby="obs-title">
      <h2 id="obs-title">{o.title}</h2>
      <p className="field-hint">{o.intro}</p>
      <CopyField label={o.server} value={obsServer} />
      {keys.error !== null && !key ? (
        <p className="field-error" role="alert">
          {errorText(keys.error, t, lang)}
        </p>
      ) : key ? (
        <CopyField
          label={o.key}
          value={key.key}
          shown={revealed ? key.key : HIDDEN_KEY}
          hint={fromEnv ? o.keyFromEnv : key.createdAt ? o.keyCreated(formatDateTime(key.createdAt, t)) : undefined}
          actions={
            <button type="button" className="button button-quiet" aria-pressed={revealed} onClick={() => setRevealed((r) => !r)}>
              {revealed ? o.hide : o.show}
            </button>
          }
        />
      ) : (
        <p className="field-hint">{t.loading}</p>
      )}
      {fromEnv ? (
        <p className="adm-key-env">{o.keyFromEnvHow}</p>
      ) : (
        <div className="adm-actions">
          <button type="button" className="button button-quiet adm-danger-quiet" onClick={() => setConfirming(true)} disabled={!key}>
            {o.rotate}
          </button>
        </div>
      )}
      <p className={message?.ok === false ? 'field-error' : 'adm-feedback-line'} role={message?.ok === false ? 'alert' : 'status'}>
        {message?.text ?? ''}
      </p>
      <ConfirmDialog open={confirming} title={o.rotateTitle} confirmLabel={o.rotateConfirm} busy={busy} onConfirm={() => void rotate()} onCancel={() => setConfirming(false)}>
        <p>{o.rotateBody}</p>
        <p>{o.rotateLiveNote}</p>
      </ConfirmDialog>
      <h3>{o.recommended}</h3>
      <p className="field-hint">{o.recommendedIntro}</p>
      <ol className="adm-obs-steps">
        {o.settings.map(([step, why]) => (
          <li key={step}>
            <strong>{step}</strong>
            <span>{why}</span>
          </li>
        ))}
      </ol>
      <ObsOverlaySection origin={origin} />
    </section>
  );
}
