// The start page. The code of a QR link leaves the address at once (it would otherwise stay in
// the tablet's history, and in the address bar for the next child). Where the survey can run
// on the device, the code is checked through the API and the survey is opened on the device
// (see survey.js); elsewhere the form posts as a plain form.
(function () {
  "use strict";
  if (/[?&]code=/.test(location.search) && window.history && history.replaceState) {
    var params = new URLSearchParams(location.search);
    params.delete("code");
    var rest = params.toString();
    history.replaceState(history.state, "", location.pathname + (rest ? "?" + rest : "") + location.hash);
  }

  var V = window.Veilig;
  var form = document.querySelector("form.code-form");
  if (!form || !V || !V.canSurvey) return;
  var field = function (name) {
    return form.elements[name] ? form.elements[name].value : "";
  };

  function refused(reason) {
    var wave = field("wave");
    location.assign("/?error=" + encodeURIComponent(reason) + "&lang=" + encodeURIComponent(field("lang")) +
      (wave ? "&wave=" + encodeURIComponent(wave) : ""));
  }

  // Opens (or picks up) this code's survey on the device and goes to it.
  function begin(code, accepted) {
    return V.derive(code).then(function (derived) {
      return V.loadDraft(derived.id, derived.key).then(function (state) {
        if (state && state.wave !== accepted.wave) state = null;
        if (state) {
          V.concealEarlier(state);
        } else {
          state = V.newState(code, accepted, field("lang"));
        }
        return V.saveDraft(derived.id, derived.key, state).then(function () {
          V.setSession({ id: derived.id, key: derived.raw });
          var lang = accepted.languages.indexOf(state.language) >= 0 ? state.language : accepted.languages[0];
          location.assign(accepted.survey + "/" + lang);
        });
      });
    });
  }

  var busy = false;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (busy) return;
    busy = true;
    var offline = document.getElementById("code-offline");
    if (offline) offline.hidden = true;
    var code = field("code");
    fetch("/api/v1/codes/check", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code: code, wave: field("wave") || null }),
      credentials: "same-origin",
      cache: "no-store"
    }).then(function (response) {
      return response.json().then(function (body) {
        if (response.status !== 200) return refused(response.status === 429 ? "busy" : body.error || "busy");
        // Begun without JavaScript: go on the same way, so nothing is lost.
        if (body.under_way_on_server) return form.submit();
        return begin(code, body);
      });
    }).catch(function () {
      busy = false;
      if (offline) offline.hidden = false;
    });
  });
})();
