/*
 * progress.js - the lessons opened on this phone (/_sampan/progress.js),
 * kept in this browser's localStorage alone: nothing is sent anywhere and
 * the player stores nothing about anyone.  On a course page (the player's
 * chrome names the course and, on a lesson, the lesson's page) it records
 * the lesson as opened and marks the lessons opened in the course's
 * contents; on the catalog it says how many lessons of each course were
 * opened, with a button that forgets it all.  Every page works the same
 * without it.
 *
 * Other scripts of the player record through
 * window.sampanProgress.record(course, kind, key), kind "opened" (a
 * lesson's page, as the bundle names it) or "passed" (a self-check quiz,
 * by its id, once the builder makes them), and read through
 * window.sampanProgress.has(course, kind, key) and .count(course, kind).
 */
(function () {
  var KEY = 'sampan.progress.1';
  var store = null;
  try {
    store = window.localStorage;
  } catch (e) {
    store = null;
  }
  if (!store || !window.JSON || !document.querySelectorAll) return;

  function load() {
    var data;
    try {
      data = JSON.parse(store.getItem(KEY) || '{}');
    } catch (e) {
      data = {};
    }
    return data && typeof data === 'object' ? data : {};
  }
  function save(data) {
    try {
      store.setItem(KEY, JSON.stringify(data));
    } catch (e) {
      /* full, or private browsing: nothing is kept */
    }
  }
  function record(course, kind, key) {
    var data = load();
    var c = data[course] || (data[course] = {});
    var k = c[kind] || (c[kind] = {});
    if (!k[key]) {
      k[key] = 1;
      save(data);
    }
  }
  function has(course, kind, key) {
    var c = load()[course];
    return !!(c && c[kind] && c[kind][key]);
  }
  function count(course, kind) {
    var c = load()[course];
    return c && c[kind] ? Object.keys(c[kind]).length : 0;
  }
  function clear() {
    try {
      store.removeItem(KEY);
    } catch (e) {
      /* nothing was kept */
    }
  }
  window.sampanProgress = { record: record, has: has, count: count, clear: clear };

  /* The entry a link inside the course points to, or null. */
  function entryOf(a, prefix) {
    var path = a.pathname || '';
    if (a.host !== location.host || path.indexOf(prefix) !== 0) return null;
    try {
      return decodeURIComponent(path.slice(prefix.length));
    } catch (e) {
      return null;
    }
  }

  function markContents(course, label) {
    var prefix = '/c/' + encodeURIComponent(course) + '/';
    var links = document.querySelectorAll('nav.contents a[href], ol.lessons a[href]');
    for (var i = 0; i < links.length; i++) {
      var a = links[i];
      var entry = entryOf(a, prefix);
      if (!entry || !has(course, 'opened', entry) || a.querySelector('.sampan-tick')) continue;
      var tick = document.createElement('span');
      tick.className = 'sampan-tick';
      tick.setAttribute('aria-hidden', 'true');
      tick.textContent = '\u2713';
      var said = document.createElement('span');
      said.className = 'sampan-hide';
      said.textContent = ' (' + label + ')';
      a.className += ' sampan-opened';
      a.insertBefore(tick, a.firstChild);
      a.appendChild(said);
    }
  }

  var bar = document.querySelector('nav.sampan-bar[data-course]');
  if (bar) {
    var course = bar.getAttribute('data-course');
    var page = bar.getAttribute('data-page');
    if (page) record(course, 'opened', page);
    markContents(course, bar.getAttribute('data-opened-label') || 'opened');
  }

  var cards = document.querySelectorAll('li.course[data-course]');
  var any = false;
  function showCards() {
    any = false;
    for (var i = 0; i < cards.length; i++) {
      var p = cards[i].querySelector('p.progress');
      if (!p) continue;
      var total = parseInt(p.getAttribute('data-lessons'), 10) || 0;
      var n = Math.min(count(cards[i].getAttribute('data-course'), 'opened'), total);
      p.hidden = n === 0;
      p.textContent = n ? (p.getAttribute('data-label') || '{n}').replace('{n}', String(n)) : '';
      if (n) any = true;
    }
  }
  var box = document.querySelector('.progress-clear');
  if (cards.length) showCards();
  if (box) {
    box.hidden = !any;
    var button = box.querySelector('button.clear');
    if (button) {
      button.addEventListener('click', function () {
        clear();
        showCards();
        box.hidden = true;
        var h = document.querySelector('h1');
        if (h) {
          h.setAttribute('tabindex', '-1');
          h.focus();
        }
      });
    }
  }
})();
