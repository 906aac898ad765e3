// Jest runs in native ESM mode (Nest 12 is ESM-only); @swc/jest compiles TypeScript with decorator metadata.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'es6' },
  },
];
// ESM-only packages that CommonJS dependencies require(): Node allows that, Jest's CJS loader does
// not (before Node 24.9), so swc compiles them to CJS when required and keeps ESM when imported.
const ESM_ONLY_REQUIRED_BY_CJS = ['content-disposition', 'file-type', 'cookie'];
const shared = {
  extensionsToTreatAsEsm: ['.ts'],
  // Rune modules first: Jest uses the first pattern that matches.
  transform: {
    '^.+\\.svelte\\.ts$': '<rootDir>/scripts/jest-svelte-module-transform.mjs',
    '^.+\\.ts$': swc,
    '^.+\\.m?js$': swc,
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY_REQUIRED_BY_CJS.join('|')})/)`],
  moduleNameMapper: {
    '^@cm/(ruleset-sdk|dice|contracts|client)$': '<rootDir>/libs/$1/src/index.ts',
    '^@cm/client/svelte$': '<rootDir>/libs/client/src/svelte/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testEnvironment: 'node',
  // The standalone plugin templates carry package.json files named __ID__ (one per kind).
  modulePathIgnorePatterns: ['<rootDir>/scripts/plugin-templates/standalone/'],
};
const services = {
  globalSetup: '<rootDir>/apps/host/test/support/global-setup.mjs',
  globalTeardown: '<rootDir>/apps/host/test/support/global-teardown.mjs',
};

/**
 * Three projects: `unit` needs no service; `integration` runs real hosts against PostgreSQL and Redis;
 * `browser` drives Debian's Chromium through the built clients. The global setup of the last two finds or
 * starts PostgreSQL and Redis (apps/host/test/support/services.mjs). Select one with `--selectProjects`.
 */
export default {
  // Integration suites start real hosts; testTimeout is a global option (projects ignore it).
  testTimeout: 60000,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/{apps,libs,plugins}/**/src/**/*.spec.ts',
        '<rootDir>/plugins/*/test/**/*.spec.ts',
        '<rootDir>/symbiote/test/*.spec.ts',
      ],
    },
    {
      ...shared,
      ...services,
      displayName: 'integration',
      testMatch: ['<rootDir>/apps/host/test/**/*.e2e-spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/test/browser/'],
    },
    {
      ...shared,
      ...services,
      globalSetup: '<rootDir>/apps/host/test/support/browser-setup.mjs',
      displayName: 'browser',
      testMatch: [
        '<rootDir>/apps/host/test/browser/**/*.e2e-spec.ts',
        '<rootDir>/web/test/**/*.e2e-spec.ts',
        '<rootDir>/symbiote/test/browser/**/*.e2e-spec.ts',
      ],
    },
  ],
};
