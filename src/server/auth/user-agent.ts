/**
 * What a device list says about a device: browser and system from the User-Agent header, as
 * "WeChat 8.0 · Android" or "Chrome 120 · Windows". Only this summary is stored, never the header
 * (which fingerprints a phone far more finely than anyone needs to recognise their own device).
 */

const BROWSERS: [name: string, pattern: RegExp][] = [
  ['WeChat', /MicroMessenger\/(\d+(?:\.\d+)?)/],
  ['Edge', /Edg(?:e|A|iOS)?\/(\d+)/],
  ['Firefox', /(?:Firefox|FxiOS)\/(\d+)/],
  ['Samsung Internet', /SamsungBrowser\/(\d+)/],
  ['UC', /UCBrowser\/(\d+)/],
  ['Quark', /Quark\/(\d+)/],
  ['Chrome', /(?:HeadlessChrome|Chrome|CriOS)\/(\d+)/],
  ['Safari', /Version\/(\d+)(?:\.\d+)*.*Safari\//],
];

const SYSTEMS: [name: string, pattern: RegExp][] = [
  ['HarmonyOS', /HarmonyOS|OpenHarmony/],
  ['Android', /Android/],
  ['iPhone', /iPhone/],
  ['iPad', /iPad/],
  ['Windows', /Windows/],
  ['macOS', /Macintosh|Mac OS X/],
  ['ChromeOS', /CrOS/],
  ['Linux', /Linux/],
];

/** The summary of a User-Agent header; null when there is none or nothing in it is recognised. */
export function describeUserAgent(header: string | undefined): string | null {
  if (!header) return null;
  const ua = header.slice(0, 512);
  const browser = BROWSERS.map(([name, re]) => [name, re.exec(ua)?.[1]] as const).find(([, v]) => v !== undefined);
  const system = SYSTEMS.find(([, re]) => re.test(ua))?.[0];
  const parts = [browser ? `${browser[0]} ${browser[1]}` : null, system ?? null].filter((p): p is string => p !== null);
  return parts.length > 0 ? parts.join(' · ') : null;
}
