/*
 * progress.js - the lessons opened and the self-check quizzes passed on
 * this phone (/_sampan/progress.js), kept in this browser's localStorage
 * alone: nothing is sent anywhere and the player stores nothing about
 * anyone.  On a course page (the player's chrome names the course and, on
 * a lesson, the lesson's page) it records the lesson as opened and marks,
 * in the course's contents, the lessons opened and the quizzes passed on
 * each; on the catalog it says how many lessons of each course were opened
 * and how many quizzes passed, with a button that forgets it all.  Every
 * page works the same without it.
 *
 * Other scripts of the player record through
 * window.sampanProgress.record(course, kind, key), kind "opened" (a
 * lesson's page, as the bundle names it) or "passed" (a self-check quiz:
 * its page, "#" and its id, as quiz.js records it), and read through
 * window.sampanProgress.has(course, kind, key) and .count(course, kind).
 *
 * The labels come from the page, in the visitor's interface language:
 * data-opened-label, and data-passed-one and data-passed-many, the forms
 * of "{n} quizzes passed" for 1 and for more (in each of the player's
 * languages, the form of every count above 1 is the form of 2).
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
  var recorded = null; /* what to do after a new record: mark this page's contents */
  function record(course, kind, key) {
    var data = load();
    var c = data[course] || (data[course] = {});
    var k = c[kind] || (c[kind] = {});
    if (!k[key]) {
      k[key] = 1;
      save(data);
      if (recorded) recorded(course);
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
  /* The quizzes passed on one page of the course (their keys are "PAGE#ID"). */
  function passedOn(course, page) {
    var c = load()[course], n = 0;
    if (!c || !c.passed) return 0;
    for (var key in c.passed)
      if (Object.prototype.hasOwnProperty.call(c.passed, key) && key.indexOf(page + '#') === 0) n++;
    return n;
  }
  /* "{n} quizzes passed" for n, from an element's data-passed-one and data-passed-many. */
  function passedText(el, n) {
    var pattern = el.getAttribute(n === 1 ? 'data-passed-one' : 'data-passed-many') ||
      (n === 1 ? '{n} quiz passed' : '{n} quizzes passed');
    return pattern.replace('{n}', String(n));
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

  function markContents(bar, course) {
    var prefix = '/c/' + encodeURIComponent(course) + '/';
    var ui = bar.getAttribute('lang') || '';
    var label = bar.getAttribute('data-opened-label') || 'opened';
    var links = document.querySelectorAll('nav.contents a[href], ol.lessons a[href]');
    for (var i = 0; i < links.length; i++) {
      var a = links[i];
      var entry = entryOf(a, prefix);
      if (!entry) continue;
      if (has(course, 'opened', entry) && !a.querySelector('.sampan-tick')) {
        var tick = document.createElement('span');
        tick.className = 'sampan-tick';
        tick.setAttribute('aria-hidden', 'true');
        tick.textContent = '\u2713';
        var said = document.createElement('span');
        said.className = 'sampan-hide';
        said.setAttribute('lang', ui);
        said.textContent = ' (' + label + ')';
        a.className += ' sampan-opened';
        a.insertBefore(tick, a.firstChild);
        a.appendChild(said);
      }
      var n = passedOn(course, entry);
      var mark = a.querySelector('.sampan-passed');
      if (n && !mark) {
        mark = document.createElement('span');
        mark.className = 'sampan-passed';
        mark.setAttribute('lang', ui);
        a.appendChild(document.createTextNode(' '));
        a.appendChild(mark);
      }
      if (mark) mark.textContent = n ? passedText(bar, n) : '';
    }
  }

  var bar = document.querySelector('nav.sampan-bar[data-course]');
  if (bar) {
    var course = bar.getAttribute('data-course');
    var page = bar.getAttribute('data-page');
    if (page) record(course, 'opened', page);
    markContents(bar, course);
    /* a quiz passed on this page marks the contents at once */
    recorded = function (c) {
      if (c === course) markContents(bar, course);
    };
  }

  var cards = document.querySelectorAll('li.course[data-course]');
  var any = false;
  function showCards() {
    any = false;
    for (var i = 0; i < cards.length; i++) {
      var p = cards[i].querySelector('p.progress');
      if (!p) continue;
      var id = cards[i].getAttribute('data-course');
      var total = parseInt(p.getAttribute('data-lessons'), 10) || 0;
      var n = Math.min(count(id, 'opened'), total);
      var q = count(id, 'passed');
      var parts = [];
      if (n) parts.push((p.getAttribute('data-label') || '{n}').replace('{n}', String(n)));
      if (q) parts.push(passedText(p, q));
      p.hidden = parts.length === 0;
      p.textContent = '';
      for (var k = 0; k < parts.length; k++) {
        /* each part kept on one line where it fits (player.css) */
        var span = document.createElement('span');
        span.textContent = parts[k];
        if (k) p.appendChild(document.createTextNode(' \u00b7 '));
        p.appendChild(span);
      }
      if (parts.length) any = true;
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
