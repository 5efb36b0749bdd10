/*
 * search.js - suggestions while typing, for every page with the search
 * form (/_sampan/search.js): asks /api/suggest.json a moment after the last
 * key and shows links under the box.  The form works the same without it.
 */
(function () {
  var q = document.getElementById('q');
  var list = document.getElementById('suggest');
  if (!q || !list || !window.fetch) return;
  var timer = null, asked = '';
  function show(items, dym) {
    while (list.firstChild) list.removeChild(list.firstChild);
    if (dym) {
      var d = document.createElement('li');
      var da = document.createElement('a');
      d.className = 'did-you-mean';
      da.href = dym.url;
      da.textContent = dym.text;
      d.appendChild(da);
      list.appendChild(d);
    }
    items.forEach(function (s) {
      var li = document.createElement('li');
      var a = document.createElement('a');
      a.href = s.url;
      a.textContent = s.title;
      a.lang = s.lang;
      var c = document.createElement('span');
      c.className = 'hit-course';
      c.textContent = s.course;
      li.appendChild(a);
      li.appendChild(document.createTextNode(' '));
      li.appendChild(c);
      list.appendChild(li);
    });
  }
  function ask() {
    var text = q.value.trim();
    if (text === asked) return;
    asked = text;
    if (text.length < 2) { show([]); return; }
    var ui = document.documentElement.lang || 'en';
    fetch('/api/suggest.json?q=' + encodeURIComponent(text) +
          '&lang=' + encodeURIComponent(ui))
      .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
      .then(function (j) {
        if (asked === text) show(j.suggestions || [], j.did_you_mean);
      })
      .catch(function () {});
  }
  q.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 150);
  });
})();
