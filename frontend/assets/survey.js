// The survey on the device: walks the screens of the survey document (GET /survey/app/...)
// with the same rules as the plain forms (routing.js), saves the answers on the device after
// every step (store.js: encrypted with the code; a reload goes on where the child was), and
// sends the finished survey once, to POST /api/v1/responses, now or when the network is back.
(function () {
  "use strict";
  var main = document.querySelector("main[data-survey-app]");
  var V = window.Veilig;
  var R = window.VeiligRouting;
  if (!main || !V || !R || !V.canSurvey) return;

  var data = main.dataset;
  var languages = (data.languages || "").split(" ");
  var screens = R.fromDocument(main);
  var byKey = {};
  screens.forEach(function (s) { byKey[R.key(s)] = s; });
  var sections = Array.prototype.slice.call(main.querySelectorAll("section.screen"));
  var other = {};
  sections.forEach(function (s) { other[s.dataset.step] = s; });
  var progressBox = main.querySelector(".progress-box");
  var helpPanel = document.getElementById("help-panel");
  var resumedNote = main.querySelector(".resumed-note");
  var session = V.getSession();
  var key = null;
  var state = null;
  var saving = Promise.resolve();

  // Cache what this survey needs for a reload without a network (served by /sw.js).
  function keepForOffline() {
    if (!("caches" in window)) return;
    var assets = [document.querySelector("link[rel=stylesheet]"), document.querySelector("script[src]")]
      .filter(Boolean).map(function (e) { return e.href || e.src; });
    var base = assets.length ? new URL(assets[0]).pathname.split("/").slice(0, 3).join("/") + "/" : "";
    var urls = languages.map(function (l) { return data.base + "/" + l; }).concat(assets, ["/exit"]);
    if (document.body.hasAttribute("data-kiosk-idle")) urls.push("/");
    caches.open("veilig").then(function (cache) {
      return cache.addAll(urls).then(function () {
        // Files of earlier builds are no longer needed.
        return cache.keys().then(function (requests) {
          requests.forEach(function (r) {
            var path = new URL(r.url).pathname;
            if (base && path.indexOf("/assets/") === 0 && path.indexOf(base) !== 0) cache.delete(r);
          });
        });
      });
    }).catch(function () {});
  }

  function show(section, focus) {
    sections.forEach(function (s) { s.hidden = s !== section; });
    document.dispatchEvent(new CustomEvent("veilig:screen"));
    var heading = section.querySelector("h1");
    if (heading) document.title = heading.textContent.trim() + " · Veilig";
    if (focus && heading) heading.focus();
    window.scrollTo(0, 0);
  }

  // Only what the survey needs around a question; the rest of the document stays hidden.
  function showOther(step) {
    progressBox.hidden = true;
    helpPanel.hidden = true;
    resumedNote.hidden = true;
    show(other[step], true);
  }

  function concealed(k) {
    return state.concealed.indexOf(k) >= 0;
  }

  function reveal(k) {
    state.concealed = state.concealed.filter(function (c) { return c !== k; });
  }

  function check(form, name, value) {
    Array.prototype.forEach.call(form.querySelectorAll("input[name='" + name + "']"), function (input) {
      input.checked = value !== null && value !== undefined && input.value === String(value);
    });
  }

  function checked(form, name) {
    var input = form.querySelector("input[name='" + name + "']:checked");
    return input ? input.value : null;
  }

  // Puts the state's answers on a screen (never concealed ones).
  function fill(screen) {
    var form = screen.element.querySelector("form");
    var note = screen.element.querySelector(".concealed-note");
    var hidden = false;
    if (screen.step === "language") {
      check(form, "language", data.lang);
    } else if (screen.step === "about") {
      ["age_band", "gender", "time_here"].forEach(function (field) {
        var k = "about:" + field;
        hidden = hidden || concealed(k);
        check(form, field, concealed(k) ? null : state.demographics[field]);
      });
    } else if (screen.step === "item") {
      var k = "item:" + screen.item;
      var value = state.answers[screen.item];
      hidden = concealed(k);
      check(form, "answer", hidden || value === undefined ? null : value === null ? "dont_know" : value);
    } else if (screen.step === "open") {
      hidden = concealed("open");
      form.elements.open_answer.value = hidden ? "" : state.open_answer || "";
    } else if (screen.step === "send") {
      var answered = Object.keys(state.answers).filter(function (i) { return state.answers[i] !== null; });
      var line = screen.element.querySelector(".answered");
      line.textContent = line.dataset.template.replace("{n}", answered.length);
    }
    if (note) note.hidden = !hidden;
  }

  function render(focus) {
    var screen = byKey[state.step] || byKey.language;
    var at = R.progress(screens, state.answers, R.key(screen));
    var bar = progressBox.querySelector("progress");
    var text = progressBox.querySelector(".progress-text");
    var words = text.dataset.template.replace("{n}", at[0]).replace("{total}", at[1]);
    bar.max = at[1];
    bar.value = at[0];
    bar.setAttribute("aria-label", words);
    text.textContent = words;
    progressBox.hidden = false;
    helpPanel.hidden = !state.offer_help;
    resumedNote.hidden = !state.resumed;
    fill(screen);
    show(screen.element, focus);
  }

  function save() {
    var snapshot = JSON.parse(JSON.stringify(state));
    saving = saving.then(function () {
      return V.saveDraft(session.id, key, snapshot);
    }).catch(function () {});
    return saving;
  }

  // Takes in one screen's answer, exactly as the plain form does on the server.
  // Choosing nothing is skipping, and keeps an earlier answer.
  function take(screen, form, go) {
    if (screen.step === "language") {
      var lang = checked(form, "language");
      if (lang && languages.indexOf(lang) >= 0) state.language = lang;
    } else if (screen.step === "about") {
      ["age_band", "gender", "time_here"].forEach(function (field) {
        var value = checked(form, field);
        if (value) {
          state.demographics[field] = value;
          reveal("about:" + field);
        }
      });
    } else if (screen.step === "item") {
      var raw = checked(form, "answer");
      if (raw) {
        var value = raw === "dont_know" ? null : parseInt(raw, 10);
        state.offer_help = go === "next" && R.asksForHelp(screen, value);
        state.answers[screen.item] = value;
        reveal("item:" + screen.item);
        R.prune(screens, state.answers);
        state.concealed = state.concealed.filter(function (k) {
          return k.indexOf("item:") !== 0 || state.answers.hasOwnProperty(k.slice(5));
        });
      }
    } else if (screen.step === "open") {
      var box = form.elements.open_answer;
      var text = box.value.trim().slice(0, Number(box.getAttribute("maxlength")) || 1000);
      if (text || !concealed("open")) {
        state.open_answer = text || null;
        reveal("open");
      }
    }
  }

  // The body of POST /api/v1/responses.
  function envelope() {
    var answers = {};
    Object.keys(state.answers).forEach(function (item) {
      var v = state.answers[item];
      answers[item] = v === null ? "dont_know" : v;
    });
    return JSON.stringify({
      code: state.code,
      submission_id: state.submission_id,
      language: data.contentLang,
      demographics: state.demographics,
      answers: answers,
      open_answer: state.open_answer
    });
  }

  function afterSending(outcome) {
    session.outcome = outcome;
    V.setSession(session);
    showOther(outcome === "sent" ? "thanks" : outcome === "refused" ? "refused" : "saved");
  }

  function send() {
    V.queue(state.submission_id, envelope());
    // Nothing half-finished stays: the finished survey waits in the outbox until it is sent.
    V.dropDraft(session.id);
    session.finished = state.submission_id;
    V.setSession(session);
    showOther("sending");
    V.flush();
  }

  V.onOutcome(function (id, outcome) {
    if (session && session.finished === id) afterSending(outcome);
  });

  var lastButton = null;
  main.addEventListener("click", function (event) {
    lastButton = event.target.closest ? event.target.closest("button") : null;
  });

  main.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!state || session.finished) return;
    var section = event.target.closest("section.screen");
    var screen = screens.filter(function (s) { return s.element === section; })[0];
    if (!screen) return;
    var button = event.submitter || lastButton;
    var go = button && button.value === "back" ? "back" : "next";
    var here = R.key(screen);
    state.offer_help = false;
    state.resumed = false;
    take(screen, event.target, go);
    if (here === "send" && go === "next") return send();
    state.step = go === "back" ? R.previous(screens, state.answers, here) : R.next(screens, state.answers, here);
    save().then(function () {
      // Another language is another document (the server words every screen in it).
      if (state.language !== data.lang) location.replace(data.base + "/" + state.language);
    });
    if (state.language === data.lang) render(true);
  });

  // Help: the help screen is part of the document, so it works offline too.
  var shownBeforeHelp = null;
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target : null;
    if (!target) return;
    if (target.closest("a.help-button")) {
      event.preventDefault();
      shownBeforeHelp = sections.filter(function (s) { return !s.hidden; })[0] || null;
      showOther("help");
    } else if (target.closest(".help-back")) {
      if (state && !session.finished) return render(true);
      if (shownBeforeHelp) showOther(shownBeforeHelp.dataset.step);
    }
  });

  function start() {
    if (!session || !session.key || !session.id) return;
    V.purgeDrafts(Number(data.keepDays) || 3);
    if (session.finished) {
      if (session.outcome === "refused") return showOther("refused");
      if (!V.waiting(session.finished)) return showOther("thanks");
      showOther("saved");
      return V.flush();
    }
    V.importKey(session.key).then(function (k) {
      key = k;
      return V.loadDraft(session.id, key);
    }).then(function (loaded) {
      if (!loaded) return;
      state = loaded;
      if (state.language !== data.lang && languages.indexOf(state.language) >= 0) {
        return location.replace(data.base + "/" + state.language);
      }
      render(false);
    });
  }

  // Until the survey is found, only the "type your code" screen shows.
  progressBox.hidden = true;
  keepForOffline();
  start();
})();
