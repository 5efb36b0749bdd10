/*
 * quiz.js - instant feedback and a score for the self-check quizzes that
 * sampan-build writes into lessons (/_sampan/quiz.js, linked by the player
 * into the pages that hold one; format-spec/course-source.md, "Quizzes").
 * Each question is a <fieldset class="question"> with its choices (inputs,
 * data-right on the right ones) or a text field (data-accept: the accepted
 * answers, one a line), then <details class="answer"> with the key.  The
 * page works the same without this script: the key unfolds.
 *
 * Nothing is sent anywhere: there is no form, and a quiz passed is kept in
 * this browser alone, through window.sampanProgress when the player's
 * progress script is on the page.
 */
(function () {
  if (!document.querySelectorAll || !document.addEventListener) return;
  var quizzes = document.querySelectorAll('section.quiz');
  if (!quizzes.length) return;

  function norm(s) {
    s = String(s || '');
    if (s.normalize) s = s.normalize('NFC');
    return s.replace(/\s+/g, ' ').replace(/^ | $/g, '').toLowerCase();
  }

  /* true, false, or null while the question is not answered */
  function judge(fs) {
    var i;
    if (fs.getAttribute('data-kind') === 'short') {
      var field = fs.querySelector('input[type=text]');
      var given = field ? norm(field.value) : '';
      if (!given) return null;
      var accepted = (field.getAttribute('data-accept') || '').split('\n');
      for (i = 0; i < accepted.length; i++) if (norm(accepted[i]) === given) return true;
      return false;
    }
    var inputs = fs.querySelectorAll('.choices input');
    var any = false, right = true;
    for (i = 0; i < inputs.length; i++) {
      if (inputs[i].checked) any = true;
      if (inputs[i].checked !== inputs[i].hasAttribute('data-right')) right = false;
    }
    return any ? right : null;
  }

  function quizOf(node) {
    while (node && !(node.tagName === 'SECTION' && /(^| )quiz( |$)/.test(node.className)))
      node = node.parentNode;
    return node;
  }

  /* The course and the page, from the player's bar or the address (/c/COURSE/PAGE). */
  function where() {
    var bar = document.querySelector('nav.sampan-bar[data-course]');
    if (bar) return { course: bar.getAttribute('data-course'), page: bar.getAttribute('data-page') || '' };
    var m = /^\/c\/([^/]+)\/(.*)$/.exec(location.pathname);
    if (!m) return null;
    try {
      return { course: decodeURIComponent(m[1]), page: decodeURIComponent(m[2]) };
    } catch (e) {
      return null;
    }
  }

  function score(quiz) {
    var qs = quiz.querySelectorAll('fieldset.question');
    var right = 0, answered = 0;
    for (var i = 0; i < qs.length; i++) {
      var r = judge(qs[i]);
      if (r !== null) answered++;
      if (r === true) right++;
    }
    var line = quiz.querySelector('p.score');
    if (line) {
      line.hidden = answered === 0;
      line.textContent = answered === 0 ? '' :
        (quiz.getAttribute('data-score') || '{n} / {count}')
          .replace('{n}', String(right)).replace('{count}', String(qs.length));
    }
    if (qs.length && right === qs.length && window.sampanProgress) {
      var w = where();
      if (w) window.sampanProgress.record(w.course, 'passed', w.page + '#' + quiz.id);
    }
  }

  function mark(fs) {
    var quiz = quizOf(fs);
    if (!quiz) return;
    var r = judge(fs);
    var verdict = fs.querySelector('.verdict');
    var box = fs.querySelector('details.answer');
    if (!verdict) {
      verdict = document.createElement('p');
      verdict.className = 'verdict';
      verdict.setAttribute('aria-live', 'polite');
      fs.insertBefore(verdict, box);
    }
    verdict.hidden = r === null;
    verdict.textContent = r === null ? '' :
      (r ? '\u2713 ' + (quiz.getAttribute('data-right') || '') :
        '\u2717 ' + (quiz.getAttribute('data-wrong') || ''));
    fs.className = fs.className.replace(/ ?is-(right|wrong)/g, '') +
      (r === null ? '' : r ? ' is-right' : ' is-wrong');
    /* the key's lines follow the choices: the student's own are marked */
    var inputs = fs.querySelectorAll('.choices input');
    var lines = box ? box.querySelectorAll('ul.key > li') : [];
    for (var i = 0; i < inputs.length && i < lines.length; i++)
      lines[i].className = lines[i].className.replace(/ ?chosen/g, '') + (inputs[i].checked ? ' chosen' : '');
    score(quiz);
  }

  function questionOf(node) {
    while (node && node.tagName !== 'FIELDSET') node = node.parentNode;
    return node && quizOf(node) ? node : null;
  }

  document.addEventListener('change', function (ev) {
    var fs = questionOf(ev.target);
    if (fs) mark(fs);
  });
  document.addEventListener('keydown', function (ev) {
    var t = ev.target;
    if ((ev.key === 'Enter' || ev.keyCode === 13) && t && t.type === 'text') {
      var fs = questionOf(t);
      if (fs) mark(fs);
    }
  });
  /* opening "Check your answer" checks it */
  document.addEventListener('toggle', function (ev) {
    var d = ev.target;
    if (d && d.open && /(^| )answer( |$)/.test(d.className)) {
      var fs = questionOf(d);
      if (fs) mark(fs);
    }
  }, true);
})();
