// The quick exit: the neutral page replaces this one in the history, so "back" does not bring
// the survey up again, and this tab forgets its survey (the server forgets the plain survey's
// cookie too). Without JavaScript the button is a plain link to the same page.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.exit-button");
    if (!link) return;
    event.preventDefault();
    if (window.Veilig) window.Veilig.forgetSession();
    if ("speechSynthesis" in window) window.speechSynthesis.cancel();
    location.replace(link.href);
  });
})();
