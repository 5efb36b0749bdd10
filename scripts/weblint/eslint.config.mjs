// ESLint for the player's script (player/assets/search.js): the recommended rules,
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
      strict: "off",
    },
  },
];
