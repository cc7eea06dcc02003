/**
 * A user's signed-in devices, newest sign-in first, each with when it signed in and was last used,
 * and a button that ends that one sign-in (a lost or lent phone). Used on "My account" and by an
 * admin for a user of their subtree.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { DeviceView } from '../../shared/account-actions';
import { localIsoWithOffset, localToday } from '../../shared/local-time';
import { shortTime } from '../format';
import { failureText } from '../http';
import { useLang } from '../i18n';
import './device-list.css';

export interface DeviceListProps {
  load(): Promise<DeviceView[]>;
  end(id: string): Promise<unknown>;
  /** The heading's id and level fit the page around it. */
  headingId: string;
  headingLevel?: 3 | 4;
}

export function DeviceList({ load, end, headingId, headingLevel = 3 }: DeviceListProps) {
  const Heading = headingLevel === 3 ? 'h3' : 'h4';
  const { t } = useLang();
  const [devices, setDevices] = useState<DeviceView[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [ended, setEnded] = useState(false);
  const [busy, setBusy] = useState(false);

  const reload = useCallback(async () => {
    try {
      setDevices(await load());
      setProblem(null);
    } catch (error) {
      setProblem(failureText(error, t));
    }
  }, [load, t]);
  useEffect(() => void reload(), [reload]);

  const onEnd = async (device: DeviceView) => {
    setBusy(true);
    setEnded(false);
    try {
      await end(device.id);
      setEnded(true);
      await reload();
    } catch (error) {
      setProblem(failureText(error, t));
    } finally {
      setBusy(false);
    }
  };

  const today = localToday();
  // The server speaks UTC; a person reads their own clock.
  const when = (iso: string) => shortTime(localIsoWithOffset(new Date(iso)), today);
  return (
    <section class="card" aria-labelledby={headingId}>
      <Heading id={headingId}>{t('account.devices')}</Heading>
      <p class="muted">{t('account.devicesHint')}</p>
      <div role="status">{ended && <p class="notice notice-ok">{t('account.device.ended')}</p>}</div>
      {problem && (
        <div class="notice notice-error" role="alert">
          <p>{problem}</p>
          <button type="button" class="secondary small" onClick={() => void reload()}>
            {t('account.retry')}
          </button>
        </div>
      )}
      {devices === null && !problem && <p class="muted">{t('account.loading')}</p>}
      {devices?.length === 0 && <p class="muted">{t('account.device.none')}</p>}
      {devices && devices.length > 0 && (
        <ul class="device-list">
          {devices.map((d) => (
            <li key={d.id} class="device">
              <div class="device-text">
                <span class="device-name">
                  {d.userAgent ?? t('account.device.unknownAgent')}
                  {d.current && <span class="badge">{t('account.device.thisOne')}</span>}
                </span>
                <span class="muted">
                  {t('account.device.signedIn', { at: when(d.createdAt) })} ·{' '}
                  {d.lastSeenAt ? t('account.device.lastSeen', { at: when(d.lastSeenAt) }) : t('account.device.neverSeen')}
                </span>
              </div>
              {!d.current && (
                <button type="button" class="secondary small" disabled={busy} onClick={() => void onEnd(d)}>
                  {t('account.device.end')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
