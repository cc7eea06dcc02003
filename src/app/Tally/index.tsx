/**
 * Today's numbers for this stall in two short lines: what this device made (new members,
 * already-members and consultations apart: an already-member is not a join), and, while online, the
 * whole stall's count for today from the server (every device), self-registrations by QR code included.
 */
import { useLang } from '../i18n';
import { useTally } from '../use-outbox';
import { useStallToday } from '../use-stall-today';

export function Tally({ stallId }: { stallId: string }) {
  const { t } = useLang();
  const tally = useTally(stallId);
  const server = useStallToday(stallId);
  const item = (key: 'enrolled' | 'existing' | 'consultations', label: string, unit: string) => (
    <div>
      <dt>{label}</dt>
      <dd>
        <span class="tally-number" data-tally={key}>
          {tally?.[key] ?? '–'}
        </span>
        {unit && ` ${unit}`}
      </dd>
    </div>
  );
  return (
    <section class="tally" aria-labelledby="tally-title">
      <h2 id="tally-title" class="tally-title">
        {t('tally.thisDevice')}
      </h2>
      <dl>
        {item('enrolled', t('tally.joinedShort'), t('tally.unitPeople'))}
        {item('existing', t('tally.existing'), t('tally.unitPeople'))}
        {item('consultations', t('tally.consultedShort'), t('tally.unitTimes'))}
      </dl>
      {server && (
        <p class="tally-stall muted" data-stall-today={`${server.enrolled},${server.existing},${server.consultations},${server.self}`}>
          {t('tally.stallLineShort', server)}{' '}
          <strong class="tally-self" data-tally="self">
            {server.self}
          </strong>
        </p>
      )}
    </section>
  );
}
