/**
 * The map of the house, checked by `npm run lint` (dependency-cruiser). docs/architecture.md
 * ("Layers and the rules that keep them") explains each rule; change one only together with it.
 *
 * Layers, lowest first; a file may import from its own layer and the ones below, never above:
 *   protocol  src/protocol/           what clients see: events, payloads, error codes
 *   client    src/client/             parley/client, the client library: protocol only, never the server
 *   shared    src/shared/             errors, logging and request context, validation, worker RPC
 *   platform  src/redis/, src/realtime/   Redis connections and rate limits; Socket.IO plumbing
 *   modules   src/modules/<feature>/  the features: routes, socket handlers, services, repository interfaces
 *   store     src/store/              the storage drivers (sqlite/, mongo/), behind the modules' interfaces
 *   root      src/*.ts                config, container (composition root), app, server, start, index
 */
const layerBelow = (allowed) => `^src/(?!${allowed.join('|')})`;

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import circle means two files cannot be understood (or loaded) one before the other.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'protocol-stands-alone',
      comment: 'src/protocol is published as parley/events: it may import nothing else of Parley.',
      severity: 'error',
      from: { path: '^src/protocol/' },
      to: { path: layerBelow(['protocol/']) },
    },
    {
      name: 'client-stands-on-protocol',
      comment: 'src/client is published as parley/client and runs in browsers: it may import only src/protocol.',
      severity: 'error',
      from: { path: '^src/client/' },
      to: { path: layerBelow(['client/', 'protocol/']) },
    },
    {
      name: 'server-never-imports-client',
      comment: 'The server does not run the client library; only the web app (web/) and tests import it.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/client/' },
      to: { path: '^src/client/' },
    },
    {
      name: 'shared-imports-only-protocol',
      comment: 'src/shared serves every layer, so it may import only src/protocol.',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { path: layerBelow(['shared/', 'protocol/']) },
    },
    {
      name: 'redis-below-realtime-and-modules',
      comment: 'src/redis (connections, rate limits) knows nothing of Socket.IO or the features.',
      severity: 'error',
      from: { path: '^src/redis/' },
      to: { path: layerBelow(['redis/', 'shared/', 'protocol/']) },
    },
    {
      name: 'realtime-below-modules',
      comment: 'src/realtime (Socket.IO types, rooms, socketHandler, adapter) knows nothing of the features.',
      severity: 'error',
      from: { path: '^src/realtime/' },
      to: { path: layerBelow(['realtime/', 'redis/', 'shared/', 'protocol/']) },
    },
    {
      name: 'modules-below-store-and-root',
      comment: 'Features never import a storage driver or the composition root: those are handed to them.',
      severity: 'error',
      from: { path: '^src/modules/' },
      to: { path: '^src/(store/|[^/]+\\.ts$)' },
    },
    {
      name: 'modules-meet-through-their-index',
      comment: "One feature uses another only through what that feature's index.ts exports.",
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/[^/]+/', pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'store-sees-only-module-types',
      comment: 'Drivers implement the repository interfaces and return the domain types; they run no feature code.',
      severity: 'error',
      from: { path: '^src/store/' },
      to: { path: '^src/modules/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'store-below-root',
      comment: 'Drivers get their settings passed in; they never import config or the container.',
      severity: 'error',
      from: { path: '^src/store/' },
      to: { path: '^src/[^/]+\\.ts$' },
    },
    {
      name: 'sqlite-and-mongo-apart',
      comment: 'Each driver lives in its own folder and shares code with the other only through src/store or below.',
      severity: 'error',
      from: { path: '^src/store/(sqlite|mongo)/' },
      to: { path: '^src/store/(sqlite|mongo)/', pathNot: '^src/store/$1/' },
    },
    {
      name: 'better-sqlite3-only-in-its-driver',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/store/sqlite/' },
      to: { path: 'node_modules/better-sqlite3/' },
    },
    {
      name: 'mongodb-only-in-its-driver',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/store/mongo/' },
      to: { path: 'node_modules/(mongoose|mongodb)/' },
    },
    {
      name: 'services-know-no-transport',
      comment: 'A service is called by REST and sockets alike: it never sees Express or Socket.IO.',
      severity: 'error',
      from: { path: '\\.service\\.ts$' },
      to: { path: 'node_modules/(express|socket\\.io)/' },
    },
    {
      name: 'no-orphans',
      comment: 'A file that imports nothing and that nothing imports is dead code (worker threads are started by URL, not imported).',
      severity: 'error',
      from: { orphan: true, pathNot: ['\\.worker\\.ts$', '\\.d\\.ts$', '^src/index\\.ts$'] },
      to: {},
    },
  ],
  options: {
    includeOnly: ['^src/', '^node_modules/'],
    exclude: { path: '\\.test\\.ts$' },
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    reporterOptions: {
      archi: { collapsePattern: '^src/(modules/[^/]+|store/[^/]+|[^/]+)' },
    },
  },
};
