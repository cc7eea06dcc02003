/**
 * The browser tests never skip themselves: without Chromium or a built client they fail here, with a
 * message saying what to do (`npm test` runs the build and finds Chromium first).
 */
import fs from 'node:fs';
import path from 'node:path';
import { CHROME_PATH } from './support/chromium';

export default function setup(): void {
  if (!fs.existsSync(CHROME_PATH)) {
    throw new Error(`Chromium not found at ${CHROME_PATH}: run \`npm test\` (it installs it) or set CHROME_PATH.`);
  }
  if (!fs.existsSync(path.resolve('dist/index.html'))) {
    throw new Error('The client is not built: run `npm test` (it builds first) or `npm run build`.');
  }
}
