import js from "@eslint/js";
import tseslint from "typescript-eslint";

const frameworkImports = {
  patterns: [
    { group: ["node:*"], message: "Pure domain rules do no I/O: no node: imports in server/domain." },
    { group: ["kysely", "hono", "hono/*", "react", "react-dom", "@remix-run/*", "socket.io", "socket.io-client", "postgres", "pg"], message: "Pure domain rules import no framework." },
    { group: ["**/services/*", "**/api/*", "**/realtime/*", "**/db/*"], message: "Arrows point down: the domain imports nothing above it." },
  ],
};

export default tseslint.config(
  { ignores: ["build/**", "node_modules/**", "data/**", "scratch/**", "test-results/**", "playwright-report/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: "module" },
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "@typescript-eslint/no-empty-object-type": "off",
      "no-console": ["error", { allow: ["warn"] }],
    },
  },
  {
    files: ["server/domain/**/*.ts", "media/face/**/*.ts"],
    ignores: ["**/*.test.ts", "**/test-support.ts"],
    rules: { "no-restricted-imports": ["error", frameworkImports] },
  },
  {
    // Services and domain never reach up into adapters.
    files: ["server/services/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [{ group: ["**/api/*", "**/realtime/*", "@remix-run/*", "hono", "hono/*"], message: "Services do not depend on the HTTP or socket adapters." }] }] },
  },
  {
    files: ["tests/**/*.ts", "**/*.test.ts", "tests/bench/**"],
    rules: { "no-console": "off" },
  },
);
