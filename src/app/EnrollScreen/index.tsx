/**
 * The stall screen: which stall, today's tally, the consultation counter and the enrollment form.
 * With `?fix=<id>` a rejected record opens for fixing; the new-worker form keeps what was typed.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Enrollment } from '../../shared/records';
import { getEntry, type OutboxEntry } from '../../offline/outbox';
import type { CachedStall } from '../../offline/stalls';
import { ConsultCounter } from '../ConsultCounter';
import { ConsultFix } from './ConsultFix';
import { EnrollForm } from '../EnrollForm';
import { useLang } from '../i18n';
import { Tally } from '../Tally';
import { linkClick, navigate } from '../use-route';

export interface EnrollScreenProps {
  stall: CachedStall;
  stalls: readonly CachedStall[];
  fixId: string | null;
  onChangeStall(): void;
  onDirtyChange(dirty: boolean): void;
}

type Fix = { kind: 'none' } | { kind: 'enrollment'; entry: OutboxEntry & { record: Enrollment } } | { kind: 'consultation'; entry: OutboxEntry };

export function EnrollScreen({ stall, stalls, fixId, onChangeStall, onDirtyChange }: EnrollScreenProps) {
  const { t } = useLang();
  const [fix, setFix] = useState<Fix>({ kind: 'none' });

  useEffect(() => {
    let alive = true;
    if (!fixId) {
      setFix({ kind: 'none' });
      return;
    }
    void getEntry(fixId).then((entry) => {
      if (!alive) return;
      const record = entry?.record;
      if (!entry || entry.status !== 'rejected' || !record) {
        navigate('/queue', { replace: true });
        return;
      }
      setFix(record.kind === 'enrollment' ? { kind: 'enrollment', entry: { ...entry, record } } : { kind: 'consultation', entry });
    });
    return () => {
      alive = false;
    };
  }, [fixId]);

  const fixDone = () => navigate('/queue');

  // Two forms may hold typing (a fix, and the new worker's form kept behind it): dirty if either is.
  const [newDirty, setNewDirty] = useState(false);
  const [fixDirty, setFixDirty] = useState(false);
  useEffect(() => onDirtyChange(newDirty || fixDirty), [newDirty, fixDirty, onDirtyChange]);
  useEffect(() => () => onDirtyChange(false), [onDirtyChange]);

  return (
    <div class="enroll-screen">
      <div class="stall-bar">
        <p class="stall-current">
          <span class="visually-hidden">{t('stall.label')}: </span>
          <strong>{stall.name}</strong> <span class="muted stall-date-line">{stall.date}</span>
        </p>
        <div class="stall-actions">
          <button type="button" class="secondary small" onClick={onChangeStall} aria-label={t('stall.change')}>
            {t('stall.changeShort')}
          </button>
          <a class="button-link secondary small" href={`/stall/${stall.id}/qr`} onClick={linkClick} title={t('qr.open')}>
            {t('stall.qrShort')}
          </a>
        </div>
      </div>
      <Tally stallId={stall.id} />
      {fix.kind === 'enrollment' && (
        <EnrollForm key={fix.entry.id} stallId={stall.id} fix={fix.entry} stalls={stalls} onDirtyChange={setFixDirty} onFixDone={fixDone} />
      )}
      {fix.kind === 'consultation' && <ConsultFix key={fix.entry.id} entry={fix.entry} stalls={stalls} onDone={fixDone} />}
      <div hidden={fix.kind !== 'none'}>
        <ConsultCounter stallId={stall.id} />
        <EnrollForm stallId={stall.id} onDirtyChange={setNewDirty} />
      </div>
    </div>
  );
}
