import path from 'node:path';
import { defineConfig } from 'vitest/config';

const alias = {
  '@': path.resolve(import.meta.dirname),
  // `server-only` throws outside React Server Components; tests run server code directly.
  'server-only': path.resolve(import.meta.dirname, 'lib/testing/server-only-stub.ts'),
};

export default defineConfig({
  test: {
    projects: [
      { resolve: { alias }, test: { name: 'unit', include: ['lib/**/*.test.ts', 'components/**/*.test.ts', 'scripts/**/*.test.ts'], exclude: ['**/*.int.test.ts'], environment: 'node' } },
      // Components and hooks rendered with Testing Library in a DOM (happy-dom implements <dialog>'s showModal).
      { resolve: { alias }, test: { name: 'component', include: ['components/**/*.test.tsx', 'lib/client/**/*.test.tsx', 'app/**/*.test.tsx'], environment: 'happy-dom' } },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['lib/**/*.int.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
