import fs from 'node:fs';

/** Browser tests need Debian's Chromium; say how to get it, and fail in CI rather than skip silently. */
export default function setup() {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!fs.existsSync(chromium)) {
    const message = `Chromium was not found at ${chromium}. Install it with: sudo apt-get install -y chromium (or set CHROMIUM_PATH). Browser tests cannot run without it.`;
    if (process.env.CI) throw new Error(message);
    process.stderr.write(`\n${message}\n\n`);
  }
  if (!process.env.TEST_DATABASE_URL) {
    process.stderr.write('TEST_DATABASE_URL is not set: integration tests run on the embedded database only.\n');
  }
}
