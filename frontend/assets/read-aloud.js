// Read-aloud on every child's page: reads what the screen shows (headings, text, the question
// and every answer option, the help list) in the page's language, with the browser's own
// speech synthesis (on the device, so it also works offline). The button stays hidden when
// there is no speech synthesis or no voice for the language, and without JavaScript.
(function () {
  "use strict";
  var button = document.querySelector(".read-button");
  if (!button || !("speechSynthesis" in window) || !window.SpeechSynthesisUtterance) {
    return;
  }
  var synth = window.speechSynthesis;
  var lang = (document.documentElement.lang || "nl").toLowerCase().split("-")[0];

  // A voice for `code` (the page's language when none is given), or null.
  function voice(code) {
    var wanted = (code || lang).toLowerCase().split("-")[0];
    var voices = synth.getVoices() || [];
    for (var i = 0; i < voices.length; i++) {
      if (String(voices[i].lang).toLowerCase().indexOf(wanted) === 0) return voices[i];
    }
    return null;
  }

  function offer() {
    button.hidden = voice() === null;
  }
  offer();
  if (synth.addEventListener) synth.addEventListener("voiceschanged", offer);

  var BLOCKS = "h1, h2, p, legend, label, li";

  function shown(element) {
    return element.getClientRects().length > 0 && !element.closest("[hidden], [aria-hidden='true']");
  }

  // The text of an element as it is seen: a line break or a block inside it is a pause, and
  // elements side by side are words apart ("De vertrouwenspersoon<br>Iemand …" is not read as
  // one word).
  function textOf(element) {
    var out = "";
    Array.prototype.forEach.call(element.childNodes, function (child) {
      if (child.nodeType === 3) {
        out += child.nodeValue;
      } else if (child.nodeType === 1) {
        if (child.matches("[hidden], [aria-hidden='true'], script, style")) return;
        if (child.tagName === "BR") {
          out += ". ";
          return;
        }
        var display = window.getComputedStyle(child).display;
        if (display === "none") return;
        // Inline elements are part of the sentence (a word may run across them); a block is
        // a part of its own.
        out += display.indexOf("inline") === 0 ? textOf(child) : ". " + textOf(child) + ". ";
      }
    });
    return out;
  }

  // Spaces and the pauses between parts made tidy: no pause twice, none at the start.
  function tidy(text) {
    return text
      .replace(/\s+/g, " ")
      .replace(/ ([.!?:,])/g, "$1")
      .replace(/([.!?:…])(\s*\.)+/g, "$1")
      .replace(/^[\s.]+/, "")
      .trim();
  }

  // The visible blocks of text in reading order; a block inside another is read with it. The
  // question comes first: help shown above it after an answer is read after it.
  function screenText() {
    var root = document.getElementById("main") || document.body;
    var first = [];
    var after = [];
    Array.prototype.forEach.call(root.querySelectorAll(BLOCKS), function (element) {
      var outer = element.parentElement && element.parentElement.closest(BLOCKS);
      if (outer && root.contains(outer)) return;
      if (!shown(element)) return;
      var text = tidy(textOf(element));
      if (text) (element.closest(".help-panel") ? after : first).push(text);
    });
    return tidy(first.concat(after).join(". "));
  }

  function speak(text, code) {
    var utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = code || lang;
    utterance.voice = voice(code);
    utterance.rate = 0.9;
    synth.cancel();
    synth.speak(utterance);
  }

  // Once a child has asked for read-aloud, each answer they tap is read on its own too, so an
  // option can be heard before moving on (until the page is left: the next child starts
  // without it).
  var echo = false;
  button.addEventListener("click", function () {
    echo = true;
    speak(screenText());
  });
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!echo || button.hidden || !input.matches || !input.matches("input[type='radio'], input[type='checkbox']")) {
      return;
    }
    var label = input.id && document.querySelector("label[for='" + input.id + "']");
    if (!label) return;
    // An answer in another language (a language's own name) is read by a voice for it, or
    // not at all.
    var own = label.querySelector("[lang]");
    var code = own && own.getAttribute("lang") ? own.getAttribute("lang") : lang;
    if (voice(code)) speak(tidy(textOf(label)), code);
  });
  // Stop reading when the child moves on.
  window.addEventListener("pagehide", function () {
    synth.cancel();
  });
  document.addEventListener("veilig:screen", function () {
    synth.cancel();
  });
})();
