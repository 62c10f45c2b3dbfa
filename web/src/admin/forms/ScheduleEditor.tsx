import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useI18n } from '../../i18n/I18nProvider';
import type { AdminClient } from '../api/api';
import { errorText } from '../api/error-text';
import { hasProblems, MAX_ROWS, MAX_TITLE, newRow, rowsFrom, toEntries, validateRows, type ScheduleRow } from './schedule-rows';
import type { ScheduleEntry } from '../../common/schedule';
import type { SiteDocument } from '../api/types';
import type { Loaded } from '../hooks/useLoad';
import { useSave } from './SaveBar';

/** The weekly services the offline page counts down to: add, change, remove, save. */
export function ScheduleEditor({ client, site }: { client: AdminClient; site: Loaded<SiteDocument> }) {
  const { t, lang } = useI18n();
  const s = t.admin.schedule;
  const id = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const [rows, setRows] = useState<ScheduleRow[] | null>(() => (site.data ? rowsFrom(site.data.schedule) : null));
  const [showProblems, setShowProblems] = useState(false);
  const { busy, feedback, save, fail } = useSave();

  // Reset to what the server holds only when the schedule itself changed there (saving the branding
  // form also returns the whole site, and must not wipe rows being edited here).
  const saved = site.data ? JSON.stringify(site.data.schedule) : null;
  useEffect(() => {
    if (saved !== null) setRows(rowsFrom(JSON.parse(saved) as ScheduleEntry[]));
  }, [saved]);

  const problems = rows ? validateRows(rows) : [];
  const change = (key: string, patch: Partial<ScheduleRow>) => setRows((rs) => rs && rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!rows) return;
    if (hasProblems(problems)) {
      setShowProblems(true);
      fail(s.fixProblems);
      requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    await save(async () => {
      site.set(await client.saveSite({ schedule: toEntries(rows) }));
      setShowProblems(false);
    });
  };

  return (
    <section className="adm-card" id="schedule" aria-labelledby="schedule-title">
      <h2 id="schedule-title">{s.title}</h2>
      <p className="field-hint">{s.intro}</p>
      {!rows ? (
        <p className={site.error ? 'field-error' : 'field-hint'}>{site.error ? errorText(site.error, t, lang) : t.loading}</p>
      ) : (
        <form ref={formRef} className="adm-form" onSubmit={(e) => void submit(e)} noValidate>
          {rows.length === 0 && <p className="field-hint">{s.empty}</p>}
          <ol className="adm-schedule">
            {rows.map((row, i) => {
              const p = showProblems ? problems[i] ?? {} : {};
              const rowId = `${id}-${row.key}`;
              return (
                <li key={row.key}>
                  <fieldset className="adm-schedule-row">
                    <legend className="sr-only">{s.rowLabel(i + 1)}</legend>
                    <div className="adm-field">
                      <label htmlFor={`${rowId}-day`}>{s.day}</label>
                      <select id={`${rowId}-day`} value={row.day} onChange={(e) => change(row.key, { day: Number(e.currentTarget.value) })}>
                        {t.admin.days.map((name, day) => (
                          <option key={name} value={day}>
                            {name}
                          </option>
                        ))}
                      </select>
                    </div>
                    <div className="adm-field">
                      <label htmlFor={`${rowId}-time`}>{s.time}</label>
                      <input
                        id={`${rowId}-time`}
                        type="time"
                        value={row.time}
                        required
                        onChange={(e) => change(row.key, { time: e.currentTarget.value.slice(0, 5) })}
                        aria-invalid={p.time || p.duplicate ? true : undefined}
                        aria-describedby={`${rowId}-problem`}
                      />
                    </div>
                    <div className="adm-field adm-schedule-title">
                      <label htmlFor={`${rowId}-title`}>{s.serviceTitle}</label>
                      <input
                        id={`${rowId}-title`}
                        value={row.title}
                        maxLength={MAX_TITLE}
                        required
                        onChange={(e) => change(row.key, { title: e.currentTarget.value })}
                        aria-invalid={p.title ? true : undefined}
                        aria-describedby={`${rowId}-problem`}
                      />
                    </div>
                    <button type="button" className="button button-quiet adm-small adm-schedule-remove" onClick={() => setRows(rows.filter((r) => r.key !== row.key))} aria-label={s.removeRow(i + 1)}>
                      {s.remove}
                    </button>
                    <p id={`${rowId}-problem`} className="field-error adm-schedule-problem">
                      {[p.time && s.badTime, p.title === 'empty' && s.noTitle, p.title === 'too_long' && s.longTitle(MAX_TITLE), p.duplicate && s.duplicate].filter(Boolean).join(' ')}
                    </p>
                  </fieldset>
                </li>
              );
            })}
          </ol>
          <div className="adm-actions">
            <button type="button" className="button button-quiet" disabled={rows.length >= MAX_ROWS} onClick={() => setRows([...rows, newRow(rows, s.newTitle)])}>
              {s.add}
            </button>
            <button type="submit" className="button" disabled={busy}>
              {busy ? t.admin.saving : s.save}
            </button>
          </div>
          <p className={feedback?.ok === false ? 'field-error' : 'adm-feedback-line'} role={feedback?.ok === false ? 'alert' : 'status'}>
            {feedback?.text ?? ''}
          </p>
        </form>
      )}
    </section>
  );
}
