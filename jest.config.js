/** One jest config for every tier; Nest 12 ships ESM only, so its packages are transformed to CommonJS too. */
const swc = [
  '@swc/jest',
  {
    sourceMaps: 'inline',
    module: { type: 'commonjs' },
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      keepClassNames: true,
    },
  },
];
module.exports = {
  testEnvironment: 'node',
  reporters: ['default', '<rootDir>/test/support/json-summary-reporter.js'],
  testTimeout: 30_000,
  rootDir: '.',
  testMatch: ['<rootDir>/{apps,libs,test}/**/*.{spec,int-spec,e2e-spec,rel-spec}.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|uuid|jose|openid-client|oauth4webapi|oidc-provider)/)'],
  moduleNameMapper: {
    '^@app/([a-z-]+)$': '<rootDir>/libs/$1/src',
  },
};
