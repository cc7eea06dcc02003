// Finds Chromium for the browser tests, as `playwright install --with-deps` would: CHROME_PATH, else
// /usr/bin/chromium; on a Debian machine where we run as root, installs Debian's package; anywhere
// else stops with a message saying what to install or set.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const candidate = process.env.CHROME_PATH || '/usr/bin/chromium';
if (fs.existsSync(candidate)) process.exit(0);

if (process.env.CHROME_PATH) {
  console.error(`CHROME_PATH is set to ${candidate}, but there is no file there.`);
  process.exit(1);
}

const isDebian = fs.existsSync('/etc/debian_version');
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isDebian || !isRoot) {
  console.error(
    'The browser tests need Chromium. Install it (Debian/Ubuntu: `apt-get install chromium`) ' +
      'or set CHROME_PATH to a Chromium or Chrome executable.',
  );
  process.exit(1);
}

console.error('Chromium not found: installing Debian\'s chromium package (about a minute)…');
const apt = (args) => execFileSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
apt(['update']);
// A CJK font too: without one every Chinese glyph in a screenshot is a box.
apt(['install', '-y', '-o', 'DPkg::Lock::Timeout=900', 'chromium', 'fonts-wqy-microhei']);
if (!fs.existsSync('/usr/bin/chromium')) {
  console.error('apt-get finished but /usr/bin/chromium is still missing.');
  process.exit(1);
}
