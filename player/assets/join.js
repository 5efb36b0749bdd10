/*
 * join.js - the projector page (/join, /_sampan/join.js): the count of
 * devices seen lately, asked again every 15 seconds from /api/join.json,
 * so the page can stay on the wall.  Without it, the count is the one the
 * page was made with.
 */
(function () {
  var out = document.getElementById('devices');
  if (!out || !window.fetch) return;
  var ui = document.documentElement.lang || 'en';
  function ask() {
    fetch('/api/join.json?lang=' + encodeURIComponent(ui), { cache: 'no-store' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) {
        if (j && typeof j.text === 'string' && out.textContent !== j.text) out.textContent = j.text;
      })
      .catch(function () {});
  }
  setInterval(ask, 15000);
})();
