/** Today's numbers for this stall, on this device: enrolled and consulted, as the seed report counts them. */
import { useLang } from '../i18n';
import { useTally } from '../use-outbox';

export function Tally({ stallId }: { stallId: string }) {
  const { t } = useLang();
  const tally = useTally(stallId);
  return (
    <section class="tally" aria-labelledby="tally-title">
      <h2 id="tally-title" class="tally-title">
        {t('tally.title')}
      </h2>
      <dl>
        <div>
          <dt>{t('tally.enrolled')}</dt>
          <dd>
            <span class="tally-number" data-tally="enrolled">
              {tally?.enrolled ?? '–'}
            </span>{' '}
            {t('tally.unitPeople')}
          </dd>
        </div>
        <div>
          <dt>{t('tally.consultations')}</dt>
          <dd>
            <span class="tally-number" data-tally="consultations">
              {tally?.consultations ?? '–'}
            </span>{' '}
            {t('tally.unitTimes')}
          </dd>
        </div>
      </dl>
    </section>
  );
}
