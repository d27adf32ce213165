// @ts-check
/**
 * The import boundaries of the tree, checked by `npm run lint` (docs/architecture.md, "Layer rules").
 * Layers, bottom up: src/contract (the API's shared vocabulary) < src/platform < src/auth, src/idempotency,
 * src/astra (cross-cutting modules) < src/features/<feature> < src/app < src/main.ts. Tests (test/, unit specs
 * beside the code), scripts/ and bench/ may import anything, but take part in the cycle check.
 */

/** Unit specs sit beside the code they test; like test/, scripts/ and bench/ they may reach anywhere. */
const SPEC = '\\.spec\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment:
        'A cycle makes load order decide what is undefined at import time, and the modules in it cannot be understood or moved one at a time.',
      severity: 'error',
      from: { path: '^(src|test|scripts|bench)/' },
      to: { circular: true },
    },
    {
      name: 'no-circular-web',
      comment: 'The console is held to the same rule: a cycle between the shell and its pages hides which one owns the shared state.',
      severity: 'error',
      from: { path: '^web/src/' },
      to: { circular: true },
    },
    {
      name: 'contract-imports-nothing',
      comment:
        'src/contract is the vocabulary the server, console, tests and CLI share: it must be loadable on its own, with nothing of the server behind it.',
      severity: 'error',
      from: { path: '^src/contract/', pathNot: SPEC },
      to: { path: '^src/', pathNot: '^src/contract/' },
    },
    {
      name: 'cli-over-the-contract',
      comment:
        'src/cli is a client of the service: it talks HTTP through the generated contract (openapi-fetch on src/contract/api-types.ts), so it imports src/contract only, never server code; it runs from a clone without the service built.',
      severity: 'error',
      from: { path: '^src/cli/', pathNot: SPEC },
      to: { path: '^src/', pathNot: '^src/(contract|cli)/' },
    },
    {
      name: 'nothing-imports-the-cli',
      comment: 'The service does not depend on its command-line client (the MCP tools both share live in src/contract).',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/cli/', SPEC] },
      to: { path: '^src/cli/' },
    },
    {
      name: 'platform-stays-below',
      comment:
        'src/platform is the base every module stands on: a module it imported could not use it without a cycle (to ask who is calling it declares CallerIdentity and OperationalDataAccess, and AuthModule answers).',
      severity: 'error',
      from: { path: '^src/platform/', pathNot: SPEC },
      to: { path: '^src/(features|app|auth|idempotency|astra)/|^src/main\\.ts$' },
    },
    {
      name: 'cross-cutting-below-features',
      comment:
        'auth, idempotency and the Astra conventions serve every feature, so they cannot depend on any one of them (nor on the app that assembles them).',
      severity: 'error',
      from: { path: '^src/(auth|idempotency|astra)/', pathNot: SPEC },
      to: { path: '^src/(features|app)/|^src/main\\.ts$' },
    },
    {
      name: 'app-only-from-main',
      comment:
        'src/app assembles everything (root module, bootstrap, global enhancers); anything it imports that imported it back would be a cycle through the whole service.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/main\\.ts$', '^src/app/', SPEC] },
      to: { path: '^src/app/' },
    },
    {
      name: 'feature-through-index',
      comment:
        "A feature reaches another only through that feature's index.ts (module, exported services, seams, types), so its data/, domain/ and dto/ stay its own to change.",
      severity: 'error',
      from: { path: '^src/features/([^/]+)/', pathNot: SPEC },
      to: { path: '^src/features/[^/]+/', pathNot: ['^src/features/$1/', '^src/features/[^/]+/index\\.ts$'] },
    },
    {
      name: 'app-through-index',
      comment: 'The app lists each feature by its index.ts as well: nothing outside a feature depends on how its files are laid out.',
      severity: 'error',
      from: { path: '^src/(app/|main\\.ts$)', pathNot: SPEC },
      to: { path: '^src/features/[^/]+/', pathNot: '^src/features/[^/]+/index\\.ts$' },
    },
    {
      name: 'no-own-index',
      comment:
        "Inside a feature, files import each other directly: going through the feature's own index.ts would load the whole feature first and close a cycle.",
      severity: 'error',
      from: { path: '^src/features/([^/]+)/', pathNot: SPEC },
      to: { path: '^src/features/$1/index\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports are arrows too: they tie one layer's code to another's shapes.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    moduleSystems: ['cjs', 'es6'],
  },
};
