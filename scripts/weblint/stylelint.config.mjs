// stylelint for the player's stylesheets (player/assets/*.css): the standard config,
// but for two rules that would break the phones Sampan serves.
export default {
  extends: ["stylelint-config-standard"],
  rules: {
    // `(width >= 60rem)` is not understood by the browsers of older phones: keep `(min-width:)`.
    "media-feature-range-notation": "prefix",
    // iOS Safari still needs -webkit-text-size-adjust beside text-size-adjust.
    "property-no-vendor-prefix": [true, { ignoreProperties: ["text-size-adjust"] }],
    // The rules go in the order of the pages they style; selectors such as ".course h2 a"
    // and ".results a" never match the same link, whatever their specificity.
    "no-descending-specificity": null,
  },
};
