// ESLint for the player's scripts (player/assets/*.js): the recommended rules,
// for a browser script of ES5 (the cheap phones' browsers Sampan serves), no modules.
import js from "@eslint/js";
import globals from "globals";

export default [
  js.configs.recommended,
  {
    files: ["**/*.js"],
    languageOptions: {
      ecmaVersion: 5,
      sourceType: "script",
      globals: { ...globals.browser },
    },
    rules: {
      eqeqeq: "error",
      "no-implicit-globals": "error",
      // ES5 has no catch without a binding: an exception ignored on purpose is named all the same.
      "no-unused-vars": ["error", { caughtErrors: "none" }],
      strict: "off",
    },
  },
];
