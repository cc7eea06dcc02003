/**
 * Reads QR codes from images the way a phone would from a screen or a sheet of paper: jsQR on the
 * pixels. The PNG is decoded by Chromium itself (an Image on a canvas in a blank page), so the test
 * needs no image library; only the decoded text comes back.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { BrowserContext, Page } from 'playwright-core';

const require = createRequire(import.meta.url);
const jsqrSource = fs.readFileSync(require.resolve('jsqr/dist/jsQR.js'), 'utf8');

/** The text of the QR code in a PNG, or null when none is found. */
export async function readQr(context: BrowserContext, png: Buffer): Promise<string | null> {
  const page = await context.newPage();
  try {
    // jsQR's UMD bundle sees `module`/`exports` undefined in a page and sets window.jsQR.
    await page.evaluate(jsqrSource);
    return await page.evaluate(async (b64) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const { data, width, height } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      const jsQR = (window as unknown as { jsQR: (d: Uint8ClampedArray, w: number, h: number) => { data: string } | null }).jsQR;
      return jsQR(data, width, height)?.data ?? null;
    }, png.toString('base64'));
  } finally {
    await page.close();
  }
}

/** Is poppler's pdftoppm on this machine? (Else the poster is read from a print-emulated screenshot.) */
export function hasPdftoppm(): boolean {
  try {
    execFileSync('pdftoppm', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Prints the page to an A4 PDF and renders its pages to PNGs (150 dpi): what the printer would put on paper. */
export async function printToPngs(page: Page, savePdfAs?: string): Promise<Buffer[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ruhui-pdf-'));
  try {
    const pdf = path.join(dir, 'poster.pdf');
    await page.pdf({ path: pdf, format: 'A4', preferCSSPageSize: true, printBackground: true });
    if (savePdfAs) fs.copyFileSync(pdf, savePdfAs);
    execFileSync('pdftoppm', ['-png', '-r', '150', pdf, path.join(dir, 'page')]);
    return fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.png'))
      .sort()
      .map((f) => fs.readFileSync(path.join(dir, f)));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
