// Staff pages: the kiosk page says, for each language of the survey, whether this tablet has a
// voice to read aloud in it. The child's read-aloud button appears only where there is one, so
// without this staff would never know it is missing. Without JavaScript the list stays hidden.
(function () {
  "use strict";
  var list = document.getElementById("voices");
  if (!list) return;
  var synth = window.speechSynthesis;

  function check() {
    var voices = (synth && synth.getVoices && synth.getVoices()) || [];
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
  if (synth && synth.addEventListener) synth.addEventListener("voiceschanged", check);
})();
