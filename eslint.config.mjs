import { defineConfig, globalIgnores } from 'eslint/config';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';
import { tsImport } from 'tsx/esm/api';

// The layer rules are TypeScript (scripts/eslint/layers.ts); tsx loads them.
const { lockboardPlugin: lockboard } = await tsImport('./scripts/eslint/layers.ts', import.meta.url);

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    // Layers: who may import whom (README, "Architecture"); no import cycles anywhere.
    files: ['**/*.{ts,tsx,mts,mjs,js}'],
    plugins: { lockboard },
    rules: {
      'lockboard/layers': 'error',
      'lockboard/no-server-in-client': 'error',
      'lockboard/no-cycle': 'error',
    },
  },
  {
    // lib/terraform is pure: no I/O through globals either (its imports are held by lockboard/layers).
    files: ['lib/terraform/**/*.{ts,tsx}'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        ...['fetch', 'process', 'require', 'XMLHttpRequest', 'WebSocket', 'EventSource', 'navigator', 'localStorage', 'sessionStorage', 'indexedDB', 'caches', 'Deno', 'Bun'].map((name) => ({
          name,
          message: 'lib/terraform is pure: no I/O, environment or network access.',
        })),
      ],
    },
  },
  globalIgnores(['.next/**', '.next-*/**', 'lib/cli/dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'bench-results/**', '.venv/**', 'next-env.d.ts']),
]);
