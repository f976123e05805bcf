// Kiosk tablets (unlocked by staff at /staff/kiosk; the server marks the page with
// data-kiosk-idle): after the idle time without a touch, or when the child presses Done after
// sending, the tablet goes back to the start page and keeps nothing of this child that the
// next one could see. A survey under way stays on the device encrypted with its code (only
// that code picks it up again); a finished survey waiting for a network stays until it is sent.
(function () {
  "use strict";
  var idle = parseInt(document.body ? document.body.getAttribute("data-kiosk-idle") : "", 10);
  if (!(idle > 0)) return;

  function reset() {
    if (window.Veilig) window.Veilig.forgetSession();
    // Offline the server cannot hand over; the start page comes from the service worker.
    location.replace(navigator.onLine === false ? "/" : "/survey/reset");
  }

  var timer = null;
  function arm() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var code = document.getElementById("code");
      // An untouched start page has nothing to clear.
      if (code && !code.value) return arm();
      reset();
    }, idle * 1000);
  }
  ["pointerdown", "keydown", "input", "wheel", "touchstart"].forEach(function (name) {
    document.addEventListener(name, arm, { capture: true, passive: true });
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest(".kiosk-done")) reset();
  });
  arm();
})();
