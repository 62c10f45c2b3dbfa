import { useI18n } from '../i18n/I18nProvider';

export function StartingCard({ churchName }: { churchName: string }) {
  const { t } = useI18n();
  return (
    <div className="stage-card starting-card" role="status">
      <span className="spinner" aria-hidden="true" />
      <p className="stage-church">{churchName}</p>
      <p className="stage-lead">{t.starting}</p>
      <p className="stage-hint">{t.startingHint}</p>
    </div>
  );
}
