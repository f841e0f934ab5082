import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/figures-total.ts'],
    // The default summary, then one line per skipped suite with its reason.
    reporters: ['default', './test/skip-reporter.ts'],
    // e2e tests spawn real processes and browsers; 2-core machines need room.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Browser and keychain suites are heavy; two workers match the machine.
    maxWorkers: 2,
    // A test that mutates process.env or the sandbox clock must not leak into another file.
    isolate: true,
    // In-process suites read messages in the runner's language (src/i18n detectLocale): English,
    // whatever the developer's LANG; suites that test a language set it on the process they spawn.
    env: { WHATALO_LANG: 'en' },
  },
});
