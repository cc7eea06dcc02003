/**
 * The catalogue is loaded by screen: the app shell registers its parts at start, each lazy screen
 * (admin, dashboard, QR) its own when its chunk loads. Every key a file names must be in a part that
 * is loaded wherever that file runs, or the screen would show the raw key.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ALL_PARTS } from '../../../src/shared/i18n';

type PartName = keyof typeof ALL_PARTS;

/** What the shell loads (src/app/i18n.tsx), plus the validation part that comes with the record schemas. */
const SHELL: PartName[] = ['common', 'app', 'ownership', 'qrLink', 'roles', 'syncStatus', 'validation'];
/** Each lazy screen's directory and the parts it adds. */
const SCREENS: Record<'src/app/Account' | 'src/app/Admin' | 'src/app/Audit' | 'src/app/Dashboard' | 'src/app/StallQr', PartName[]> = {
  'src/app/Account': ['accounts', 'accountActions'],
  'src/app/Admin': ['accounts', 'accountActions'],
  'src/app/Audit': ['audit'],
  'src/app/Dashboard': ['dashboard', 'validation'],
  'src/app/StallQr': ['qr'],
};

const partOf = new Map<string, PartName>();
for (const [name, part] of Object.entries(ALL_PARTS) as [PartName, { zh: Record<string, string> }][]) {
  for (const key of Object.keys(part.zh)) {
    expect(partOf.has(key), `${key} is in two parts`).toBe(false);
    partOf.set(key, name);
  }
}

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

/** Parts whose keys this source names: quoted keys, and `prefix.${…}` templates (every key with that prefix). */
function partsNamed(text: string): Map<PartName, string> {
  const named = new Map<PartName, string>();
  for (const m of text.matchAll(/'([\w.]+)'/g)) {
    const part = partOf.get(m[1]!);
    if (part) named.set(part, m[1]!);
  }
  for (const m of text.matchAll(/`([\w.]+\.)\$\{/g)) {
    for (const [key, part] of partOf) if (key.startsWith(m[1]!)) named.set(part, key);
  }
  return named;
}

describe('catalogue parts by screen', () => {
  const files = [...sources('src/app'), ...sources('src/offline')];

  it.each(files.map((f) => [f]))('%s names only keys of parts loaded where it runs', (file) => {
    const screen = (Object.keys(SCREENS) as (keyof typeof SCREENS)[]).find((dir) => file.startsWith(`${dir}/`));
    const allowed = new Set<PartName>([...SHELL, ...(screen ? SCREENS[screen]! : [])]);
    const stray = [...partsNamed(fs.readFileSync(file, 'utf8'))].filter(([part]) => !allowed.has(part));
    expect(stray.map(([part, key]) => `${key} (${part})`)).toEqual([]);
  });

  it('the shell loads its parts and no screen\'s; each screen adds its own when imported', async () => {
    const someKey = (part: PartName) => Object.keys(ALL_PARTS[part].zh)[0]!;
    const { isMessageKey } = await import('../../../src/shared/i18n/catalogue');
    // This file imported the full catalogue above (as the server does): check the browser's
    // registrations in a fresh module graph.
    vi.resetModules();
    const fresh = await import('../../../src/shared/i18n/catalogue');
    expect(fresh.isMessageKey(someKey('common'))).toBe(false);
    await import('../../../src/app/i18n');
    for (const part of SHELL.filter((p) => p !== 'validation')) expect(fresh.isMessageKey(someKey(part)), part).toBe(true);
    for (const part of ['accounts', 'accountActions', 'dashboard', 'qr', 'join', 'sync'] as const) expect(fresh.isMessageKey(someKey(part)), part).toBe(false);
    await import('../../../src/shared/records');
    expect(fresh.isMessageKey(someKey('validation'))).toBe(true);
    const load: Record<keyof typeof SCREENS, () => Promise<unknown>> = {
      'src/app/Account': () => import('../../../src/app/Account'),
      'src/app/Admin': () => import('../../../src/app/Admin'),
      'src/app/Audit': () => import('../../../src/app/Audit'),
      'src/app/Dashboard': () => import('../../../src/app/Dashboard'),
      'src/app/StallQr': () => import('../../../src/app/StallQr'),
    };
    const added = new Set<PartName>(['validation']);
    for (const [dir, parts] of Object.entries(SCREENS) as [keyof typeof SCREENS, PartName[]][]) {
      for (const part of parts.filter((p) => !added.has(p))) expect(fresh.isMessageKey(someKey(part)), `${part} before ${dir}`).toBe(false);
      await load[dir]();
      for (const part of parts) expect(fresh.isMessageKey(someKey(part)), `${dir} adds ${part}`).toBe(true);
      for (const part of parts) added.add(part);
    }
    expect(isMessageKey(someKey('join'))).toBe(true); // the full catalogue, as the server has it
  });
});
