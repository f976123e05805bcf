// The survey's path on the device: the same rules as server/src/domain/survey.rs (steps, next,
// previous, prune, progress, asks_for_help) and instrument/routing.rs (is_shown), so a survey
// taken offline asks exactly what the plain forms would. tests/browser/parity.rs compares
// them on many answer sets. The setting type is applied by the server (items it never asks
// are not in the document); here only the conditions on earlier answers remain.
//
// A step is "language", "intro", "about", "item:<key>", "open" or "send". Answers map an item
// key to a number, or to null for "I don't know / I'd rather not say".
(function () {
  "use strict";

  // The screens of a survey document, in order: { step, item, showItem, showValues, helpIf }.
  function fromDocument(main) {
    var numbers = function (text) {
      return (text || "").split(" ").filter(Boolean).map(Number);
    };
    var steps = ["language", "intro", "about", "item", "open", "send"];
    return Array.prototype.filter.call(main.querySelectorAll("section.screen"), function (s) {
      return steps.indexOf(s.dataset.step) >= 0;
    }).map(function (s) {
      return {
        step: s.dataset.step,
        item: s.dataset.item || null,
        showItem: s.dataset.showItem || null,
        showValues: numbers(s.dataset.showValues),
        helpIf: numbers(s.dataset.helpIf),
        element: s
      };
    });
  }

  function key(screen) {
    return screen.step === "item" ? "item:" + screen.item : screen.step;
  }

  // "Don't know" (null) never meets a condition.
  function isShown(screen, answers) {
    if (!screen.showItem) return true;
    var value = answers[screen.showItem];
    return typeof value === "number" && screen.showValues.indexOf(value) >= 0;
  }

  function steps(screens, answers) {
    return screens.filter(function (s) {
      return s.step !== "item" || isShown(s, answers);
    }).map(key);
  }

  // Drops answers to questions no longer asked, until nothing changes.
  function prune(screens, answers) {
    var byItem = {};
    screens.forEach(function (s) {
      if (s.step === "item") byItem[s.item] = s;
    });
    for (;;) {
      var hidden = Object.keys(answers).filter(function (item) {
        return !byItem[item] || !isShown(byItem[item], answers);
      });
      if (!hidden.length) return answers;
      hidden.forEach(function (item) {
        delete answers[item];
      });
    }
  }

  // A step no longer on the path counts as the start.
  function position(all, here) {
    var i = all.indexOf(here);
    return i < 0 ? 0 : i;
  }

  function next(screens, answers, here) {
    var all = steps(screens, answers);
    return all[position(all, here) + 1] || "send";
  }

  function previous(screens, answers, here) {
    var all = steps(screens, answers);
    return all[Math.max(position(all, here) - 1, 0)] || "language";
  }

  // [this step, all steps], counted from 1.
  function progress(screens, answers, here) {
    var all = steps(screens, answers);
    return [position(all, here) + 1, all.length];
  }

  function asksForHelp(screen, value) {
    return typeof value === "number" && screen.helpIf.indexOf(value) >= 0;
  }

  window.VeiligRouting = {
    fromDocument: fromDocument,
    key: key,
    isShown: isShown,
    steps: steps,
    prune: prune,
    next: next,
    previous: previous,
    progress: progress,
    asksForHelp: asksForHelp
  };
})();
