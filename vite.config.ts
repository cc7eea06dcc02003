import fs from 'node:fs';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { precompress } from './scripts/precompress';

const { version } = JSON.parse(fs.readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  version: string;
};

export default defineConfig({
  define: { __APP_VERSION__: JSON.stringify(version) },
  plugins: [
    preact(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'service-worker',
      filename: 'sw.ts',
      // The page registers the worker itself, through src/app/sw-bridge.ts, and asks before updating.
      injectRegister: false,
      registerType: 'prompt',
      injectManifest: {
        // One classic script: every browser that has service workers can run it.
        rollupFormat: 'iife',
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        // The join page is for workers' own phones and must never depend on the staff app's worker.
        globIgnores: ['join.html', 'assets/join-*'],
        buildPlugins: { vite: [{ name: 'app-version', config: () => ({ define: { __APP_VERSION__: JSON.stringify(version) } }) }] },
      },
      manifest: {
        id: '/',
        name: '入会 Ruhui',
        short_name: '入会',
        description: '职工入会登记 · Union enrollment at the stall',
        lang: 'zh-CN',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        theme_color: '#b71c1c',
        background_color: '#ffffff',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/maskable-192.png', sizes: '192x192', type: 'image/png', purpose: 'maskable' },
          { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
    }),
    // The join page is not the installable app: no manifest link on it (one request fewer on a weak line).
    {
      name: 'join-page-without-manifest',
      enforce: 'post',
      transformIndexHtml: {
        order: 'post',
        handler: (html, ctx) => (ctx.filename.endsWith('join.html') ? html.replace(/\s*<link rel="manifest"[^>]*>/, '') : html),
      },
    },
    // Last: brotli and gzip beside every built text file, the service worker's included.
    precompress(),
  ],
  build: {
    rollupOptions: {
      // Two pages: the staff app, and the self-registration page workers open from a stall's QR code.
      input: { main: 'index.html', join: 'join.html' },
    },
  },
  server: {
    // `npm run dev`: the API comes from a Ruhui server on its default port.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
