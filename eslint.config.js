// ESLint over the coding canvas (qualcode/ui/canvas), the network view (qualcode/ui/network),
// the session cookie element (qualcode/ui/session) and their tests (tests/js).
import js from '@eslint/js';
import globals from 'globals';

export default [
  { ignores: ['node_modules/**', '.venv/**'] },
  js.configs.recommended,
  {
    files: ['qualcode/ui/canvas/**/*.js', 'qualcode/ui/network/**/*.js',
      'qualcode/ui/session/**/*.js'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.browser } },
    rules: {
      'no-unused-vars': ['error', { args: 'none' }],
      eqeqeq: 'error',
      'no-var': 'error',
      'prefer-const': 'error',
      // user text reaches the page through textContent only (see span_selector.py)
      'no-restricted-properties': ['error',
        { property: 'innerHTML', message: 'Use textContent: no markup built from user text.' },
        { property: 'outerHTML', message: 'Use textContent: no markup built from user text.' },
        { property: 'insertAdjacentHTML', message: 'Use textContent: no markup built from user text.' }],
    },
  },
  {
    files: ['tests/js/**/*.js', 'eslint.config.js'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.node } },
  },
];
