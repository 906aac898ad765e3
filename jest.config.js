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
// ESM-only packages that CommonJS dependencies require(): Node 20 allows that, Jest's CJS loader does
// not (before Node 24.9), so swc compiles them to CJS when required and keeps ESM when imported.
const ESM_ONLY_REQUIRED_BY_CJS = ['content-disposition', 'file-type', 'cookie'];
const shared = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc, '^.+\\.m?js$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY_REQUIRED_BY_CJS.join('|')})/)`],
  moduleNameMapper: {
    '^@cm/(ruleset-sdk|dice|contracts)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testEnvironment: 'node',
};

export default {
  // Integration suites start real hosts; testTimeout is a global option (projects ignore it).
  testTimeout: 60000,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,plugins}/**/src/**/*.spec.ts', '<rootDir>/plugins/*/test/**/*.spec.ts'],
    },
    { ...shared, displayName: 'integration', testMatch: ['<rootDir>/apps/host/test/**/*.e2e-spec.ts'] },
  ],
};
