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

  function voice() {
    var voices = synth.getVoices() || [];
    for (var i = 0; i < voices.length; i++) {
      if (String(voices[i].lang).toLowerCase().indexOf(lang) === 0) return voices[i];
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

  // The visible blocks of text in reading order; a block inside another is read with it.
  function screenText() {
    var root = document.getElementById("main") || document.body;
    var parts = [];
    Array.prototype.forEach.call(root.querySelectorAll(BLOCKS), function (element) {
      var outer = element.parentElement && element.parentElement.closest(BLOCKS);
      if (outer && root.contains(outer)) return;
      if (!shown(element)) return;
      var text = element.textContent.replace(/\s+/g, " ").trim();
      if (text) parts.push(text);
    });
    return parts.join(". ").replace(/([.!?:…])\./g, "$1");
  }

  button.addEventListener("click", function () {
    var utterance = new SpeechSynthesisUtterance(screenText());
    utterance.lang = lang;
    utterance.voice = voice();
    utterance.rate = 0.9;
    synth.cancel();
    synth.speak(utterance);
  });
  // Stop reading when the child moves on.
  window.addEventListener("pagehide", function () {
    synth.cancel();
  });
  document.addEventListener("veilig:screen", function () {
    synth.cancel();
  });
})();
