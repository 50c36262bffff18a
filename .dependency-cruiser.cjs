/**
 * The layering of docs/architecture.md as rules that fail `npm run lint`:
 * domain (libs/recommendations, libs/accounts) → application (libs/application) → adapters (the other libs)
 * → apps. Each layer imports only the layers before it; apps never import one another except
 * through the composition root (apps/server); nothing imports in a cycle.
 */
const TESTS = '(\\.(spec|int-spec|e2e-spec|rel-spec)\\.ts$|/testing/|^test/|^bench/)';
const DOMAIN = '^libs/(recommendations|accounts)/src/';
const APPLICATION = '^libs/application/src/';
/** Adapters and shared infrastructure: the event store and its adapters, read models, reminders, audit, attachments, common. */
const ADAPTERS = '^libs/(event-store|read-models|reminders|audit|attachments|common|identity)/src/';
const RUNTIME = '^libs/runtime/src/';

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'A cycle ties modules together so that neither can change or be tested alone.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'The domain is plain TypeScript: no framework, no store, no queue, no other layer (docs/architecture.md).',
      from: { path: DOMAIN, pathNot: TESTS },
      to: { pathNot: [DOMAIN, '^node:', '^(crypto|util)$'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'domain-types-stay-inside',
      severity: 'error',
      comment: 'Not even a type of an outer layer belongs in the domain.',
      from: { path: DOMAIN },
      to: { path: ['^libs/(?!(recommendations|accounts)/)', '^apps/'] },
    },
    {
      name: 'application-knows-no-way-in',
      severity: 'error',
      comment:
        'The application layer serves HTTP, CLI, jobs and importers alike: it knows none of them, nor the read models, queues or the runtime.',
      from: { path: APPLICATION },
      to: {
        path: [
          '^apps/',
          RUNTIME,
          '^libs/(read-models|reminders|audit|attachments)/',
          '^libs/event-store/src/adapters/',
          'node_modules/(express|@nestjs/(platform-express|swagger|core|cqrs|bullmq)|class-validator|class-transformer|bullmq|ioredis|better-sqlite3|@eventstore)/',
        ],
      },
    },
    {
      name: 'adapters-do-not-reach-up',
      severity: 'error',
      comment: 'Adapters serve the application and the apps; they never import them.',
      from: { path: ADAPTERS },
      to: { path: [APPLICATION, RUNTIME, '^apps/'] },
    },
    {
      name: 'runtime-is-not-an-app',
      severity: 'error',
      comment: 'The runtime composes the libraries every process shares; the apps plug their roles into it.',
      from: { path: RUNTIME },
      to: { path: '^apps/' },
    },
    {
      name: 'apps-do-not-import-apps',
      severity: 'error',
      comment:
        'Each app is a way in or a role of its own; only the composition root (apps/server) puts apps together. Shared code belongs in libs/.',
      from: { path: '^apps/([^/]+)/', pathNot: ['^apps/server/', TESTS] },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'libs-do-not-import-apps',
      severity: 'error',
      comment: 'Libraries are used by apps, never the other way round.',
      from: { path: '^libs/', pathNot: TESTS },
      to: { path: '^apps/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^dist/|^data/|^coverage/)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
