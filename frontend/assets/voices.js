// Staff pages: the kiosk page says, for each language of the survey, whether this tablet has a
// voice to read aloud in it. The child's read-aloud button appears only where there is one, so
// without this staff would never know it is missing. Without JavaScript the list stays hidden.
(function () {
  "use strict";
  var list = document.getElementById("voices");
  if (!list) return;
  var synth = window.speechSynthesis;
  var speaks = !!(synth && synth.getVoices && window.SpeechSynthesisUtterance);
  var waited = false;

  function check() {
    var voices = (speaks && synth.getVoices()) || [];
    // Browsers often list their voices a moment after the page loads: "no voice" is said only
    // once they have or two seconds have passed.
    if (speaks && voices.length === 0 && !waited) return;
    Array.prototype.forEach.call(list.querySelectorAll("[data-lang]"), function (item) {
      var lang = item.getAttribute("data-lang");
      var has = Array.prototype.some.call(voices, function (voice) {
        return String(voice.lang).toLowerCase().indexOf(lang) === 0;
      });
      item.querySelector(".voice-yes").hidden = !has;
      item.querySelector(".voice-no").hidden = has;
    });
    list.hidden = false;
  }

  check();
  if (speaks && synth.addEventListener) synth.addEventListener("voiceschanged", check);
  window.setTimeout(function () {
    waited = true;
    check();
  }, 2000);
})();
