/**
 * Greenlight's layer rules, checked by `npm run lint:layers` (part of `npm test`).
 * See docs/architecture-layers.md for the layers and why each rule exists.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle means two modules cannot be understood, tested or moved apart: cut it.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'domain/ holds pure rules: it imports nothing of src/ outside domain/.',
      from: { path: '^src/domain/' },
      to: { path: '^src/', pathNot: '^src/domain/' },
    },
    {
      name: 'services-below-adapters',
      severity: 'error',
      comment: 'Services hold the business: they never import Slack, HTTP or the job queues (ports.ts is their door).',
      from: { path: '^src/services/' },
      to: { path: '^src/(slack|http|jobs)/' },
    },
    {
      name: 'http-not-jobs',
      severity: 'error',
      comment: 'HTTP routes call services and queue through the Effects port, never the job layer itself.',
      from: { path: '^src/http/' },
      to: { path: '^src/jobs/' },
    },
    {
      name: 'client-stands-alone',
      severity: 'error',
      comment:
        'The typed client is published on its own: it imports nothing of the server, only the pure domain/ it shares (the params hash, the grant claims), which imports nothing itself.',
      from: { path: '^src/client/' },
      to: { path: '^src/', pathNot: '^src/(client|domain)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/generated/' },
    // TypeScript 7 has no JavaScript API, so swc parses; it reports type-only imports as well.
    parser: 'swc',
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
