/**
 * The layer rules of ../shared/DESIGN.md ("Layers run one way"), checked by `npm run check`:
 * src/shared imports none of the other sides; the server only src/shared; the offline layer and the
 * service worker no UI and no server; the join page nothing of the app or the server; no cycles (a cycle of type-only imports is allowed: it vanishes at build).
 */
const side = (name, path, mayNot) => ({
  name,
  severity: 'error',
  from: { path },
  to: { path: mayNot },
});

module.exports = {
  forbidden: [
    side('shared-imports-nothing', '^src/shared/', '^(src/(app|offline|server|join)|service-worker)/'),
    side('server-uses-only-shared', '^src/server/', '^(src/(app|offline|join)|service-worker)/'),
    side('offline-no-ui-no-server', '^src/offline/', '^(src/(app|server|join)|service-worker)/'),
    side('app-no-server-no-join', '^src/app/', '^(src/(server|join)|service-worker)/'),
    side('join-stays-small', '^src/join/', '^(src/(app|server|offline)|service-worker)/'),
    side('worker-no-ui-no-server', '^service-worker/', '^src/(app|server|join)/'),
    // The browser loads the catalogue by screen (src/shared/i18n/catalogue.ts); the whole of it is the server's.
    {
      name: 'browser-catalogue-by-part',
      severity: 'error',
      from: { path: '^(src/(app|offline|join|shared)|service-worker)/', pathNot: '^src/shared/i18n/' },
      to: { path: '^src/shared/i18n/index\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    { name: 'no-cycles', severity: 'error', from: { path: '^(src|service-worker)/' }, to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '(^|/)node_modules/' },
  },
};
