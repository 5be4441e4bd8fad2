// One lint config for the workspace (flat config, typescript-eslint without type information so
// it stays fast). Generated contracts and build output are not linted.
import js from "@eslint/js";
import pluginVue from "eslint-plugin-vue";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/dist/**", "packages/contracts/src/gen/**", "packages/contracts/src/files.ts", ".kepu/**", "test-artifacts/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // The web app's single-file components: Vue's rules for what is wrong, not for style
  // ("essential"), with TypeScript parsing their <script setup lang="ts">.
  ...pluginVue.configs["flat/essential"],
  // Names are TypeScript's to check there (vue-tsc, in `npm run typecheck`), as typescript-eslint advises.
  { files: ["**/*.vue"], languageOptions: { parserOptions: { parser: tseslint.parser } }, rules: { "no-undef": "off" } },
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", Buffer: "readonly", setTimeout: "readonly", clearTimeout: "readonly", setInterval: "readonly", clearInterval: "readonly", URL: "readonly", AbortController: "readonly", AbortSignal: "readonly", fetch: "readonly", TextEncoder: "readonly", TextDecoder: "readonly", performance: "readonly", structuredClone: "readonly", queueMicrotask: "readonly", setImmediate: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-console": "off",
    },
  },
);
