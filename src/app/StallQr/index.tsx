/**
 * A stall's QR code, full screen, and its A4 poster (printed from this screen: the print stylesheet
 * shows only the poster). Loaded lazily: the only screen that needs the `qrcode` encoder, so the
 * stall phone's first load never carries it; the service worker precaches the chunk, so once the
 * stall is cached on the device the code also shows offline.
 *
 * Error correction Q (a quarter of the code may be dirty, folded or glared and it still reads): right
 * for a poster taped to a table in the sun, and the link is short enough to stay a small version. Black
 * on white, four modules of quiet zone, drawn as one SVG path so it prints sharp at any size.
 */
import QRCode from 'qrcode';
import { createPortal } from 'preact/compat';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { listCachedStalls, type CachedStall } from '../../offline/stalls';
import { addMessages } from '../../shared/i18n/catalogue';
import { qr } from '../../shared/i18n/qr';
import { fetchJoinStall, fetchStalls } from '../api';
import { useLang } from '../i18n';
import { linkClick, navigate } from '../use-route';
import './qr.css';

// The QR screen and poster bring their own words.
addMessages(qr);

/** Quiet zone in modules, as the QR standard asks. */
const QUIET = 4;

/** The SVG path of the dark modules of `text`'s QR code, and the code's size with its quiet zone. */
export function qrPath(text: string): { d: string; size: number } {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'Q' });
  let d = '';
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) {
      if (modules.data[row * modules.size + col]) d += `M${col + QUIET} ${row + QUIET}h1v1h-1z`;
    }
  }
  return { d, size: modules.size + 2 * QUIET };
}

function Code({ url, label, class: cls }: { url: string; label: string; class: string }) {
  const { d, size } = useMemo(() => qrPath(url), [url]);
  return (
    <svg class={cls} viewBox={`0 0 ${size} ${size}`} role="img" aria-label={label} shape-rendering="crispEdges" xmlns="http://www.w3.org/2000/svg">
      <rect width={size} height={size} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}

export interface StallQrProps {
  stallId: string;
  /** The session's token, to look a stall up online when it is not cached (an admin's list). */
  token: string;
  /** The union's name when the server cannot be asked (the signed-in user's org). */
  orgName?: string;
}

export function StallQr({ stallId, token, orgName }: StallQrProps) {
  const { t, lang } = useLang();
  const [stall, setStall] = useState<CachedStall | null | undefined>(undefined);
  const [union, setUnion] = useState(orgName ?? '');

  useEffect(() => {
    let alive = true;
    void (async () => {
      let found = (await listCachedStalls().catch(() => [])).find((s) => s.id === stallId && s.joinUrl);
      if (!found) {
        const from = new Date(Date.now() - 90 * 86_400_000).toISOString().slice(0, 10);
        found = (await fetchStalls(token, lang, from).catch(() => [])).find((s) => s.id === stallId && s.joinUrl);
      }
      if (!alive) return;
      setStall(found ?? null);
      if (found?.joinToken) {
        const info = await fetchJoinStall(found.joinToken, lang).catch(() => null);
        if (alive && info) setUnion(info.org);
      }
    })();
    return () => {
      alive = false;
    };
  }, [stallId, token, lang]);

  useEffect(() => {
    document.documentElement.classList.add('qr-open');
    return () => document.documentElement.classList.remove('qr-open');
  }, []);

  if (stall === undefined) return <p class="muted">{t('qr.loading')}</p>;
  if (stall === null || !stall.joinUrl) {
    return (
      <section class="card">
        <p role="alert">{t('qr.missing')}</p>
        <a href="/" onClick={linkClick}>
          {t('qr.back')}
        </a>
      </section>
    );
  }
  const url = stall.joinUrl;
  const label = t('qr.codeLabel', { stall: stall.name, url });
  const back = () => (history.length > 1 ? history.back() : navigate('/'));
  return (
    <>
      <section class="qr-screen" aria-labelledby="qr-title">
        <h2 id="qr-title" class="qr-title">{t('qr.title')}</h2>
        <p class="qr-stall">
          <strong>{stall.name}</strong> <span>{stall.date}</span>
        </p>
        <Code url={url} label={label} class="qr-code" />
        <p class="qr-url">{url}</p>
        <div class="qr-actions">
          <button type="button" onClick={() => print()}>
            {t('qr.print')}
          </button>
          {document.fullscreenEnabled && (
            <button type="button" class="secondary" onClick={() => void document.documentElement.requestFullscreen().catch(() => undefined)}>
              {t('qr.fullscreen')}
            </button>
          )}
          <button type="button" class="secondary" onClick={back}>
            {t('qr.back')}
          </button>
        </div>
      </section>
      {createPortal(
        <article class="qr-poster" aria-hidden="true">
          {union && <p class="poster-union">{union}</p>}
          <p class="poster-stall">{stall.name}</p>
          <p class="poster-date">{t('qr.date', { date: stall.date })}</p>
          <h1 class="poster-title">{t('qr.title')}</h1>
          <p class="poster-step">{t('qr.step1')}</p>
          <p class="poster-step">{t('qr.step2')}</p>
          <Code url={url} label={label} class="poster-code" />
          <p class="poster-url">
            {t('qr.link')}: {url}
          </p>
        </article>,
        document.body,
      )}
    </>
  );
}
