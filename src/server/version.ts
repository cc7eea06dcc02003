import fs from 'node:fs';

/** The app's version, from package.json: shown by /api/health and in logs. */
export const VERSION: string = (
  JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
