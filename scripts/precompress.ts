/**
 * Compresses the built client once, at build time: a `.br` (brotli, best) and a `.gz` (gzip -9) next
 * to every text file of `dist/`, whatever entry produced it. The server picks one by Accept-Encoding
 * (src/server/http/static.ts), so no request pays for compression. A variant that would not be
 * smaller is not written.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Plugin } from 'vite';

/** Files worth compressing: text. Images (png) are compressed already. */
const COMPRESSIBLE = /\.(?:html|js|mjs|css|svg|webmanifest|json|txt|xml)$/;

/** What `precompressDir` wrote, per file (for the build log and the size budgets). */
export interface Precompressed {
  file: string;
  raw: number;
  br?: number;
  gzip?: number;
}

/** Writes `.br` and `.gz` beside every compressible file under `dir` (old variants replaced). */
export function precompressDir(dir: string): Precompressed[] {
  const out: Precompressed[] = [];
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !COMPRESSIBLE.test(entry.name)) continue;
    const file = path.join(entry.parentPath, entry.name);
    const raw = fs.readFileSync(file);
    const result: Precompressed = { file: path.relative(dir, file), raw: raw.length };
    const br = zlib.brotliCompressSync(raw, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
        [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
      },
    });
    const gz = zlib.gzipSync(raw, { level: 9 });
    for (const [ext, bytes, key] of [['.br', br, 'br'], ['.gz', gz, 'gzip']] as const) {
      fs.rmSync(file + ext, { force: true });
      if (bytes.length >= raw.length) continue;
      fs.writeFileSync(file + ext, bytes);
      result[key] = bytes.length;
    }
    out.push(result);
  }
  return out;
}

/** The Vite plugin: runs after every other step of the build, the service worker's included. */
export function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'ruhui:precompress',
    apply: 'build',
    enforce: 'post',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    closeBundle: {
      sequential: true,
      order: 'post',
      handler() {
        precompressDir(outDir);
      },
    },
  };
}
