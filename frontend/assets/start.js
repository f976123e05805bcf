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
  // What the child typed, the way the card prints it: capitals in groups of three
  // (start.rs, format_code_preview, gives the same for a QR link's code).
  var preview = form && form.querySelector(".code-preview");
  if (preview && form.elements.code) {
    form.elements.code.addEventListener("input", function () {
      var signs = form.elements.code.value.replace(/[^A-Za-z0-9]/g, "").toUpperCase().slice(0, 12);
      var groups = signs.match(/.{1,3}/g) || [];
      preview.textContent = groups.length ? preview.getAttribute("data-prefix") + " " + groups.join("-") : "";
    });
  }
  // The page's scripts are in charge now (the browser tests wait for this mark).
  var main = document.querySelector("main[data-ready]");
  if (main) main.setAttribute("data-ready", "true");
  if (!form || !V || !V.canSurvey) return;
  var field = function (name) {
    return form.elements[name] ? form.elements[name].value : "";
  };

  // A refused code stays in the field: the page says why below it, names a sign that is on no
  // card or how many signs were typed, and puts the cursor back in the field.
  // The messages' order in the box's data-messages (start.rs, refusal_messages).
  var REFUSALS = ["format", "symbol", "count", "unknown", "used", "closed", "busy", "wrong_location"];
  var SAME_AS = { revoked: "unknown", wrong_wave: "unknown" };
  function formatDetail(typed, message) {
    var alphabet = form.getAttribute("data-alphabet") || "";
    var signs = typed.replace(/[\s\-\u2010\u2013]/g, "").toUpperCase();
    for (var i = 0; i < signs.length; i++) {
      if (alphabet.indexOf(signs.charAt(i)) < 0) return message("symbol").replace("{symbol}", signs.charAt(i));
    }
    return message("count").replace("{count}", String(signs.length));
  }
  function refused(reason) {
    var box = document.getElementById("code-refused");
    var input = form.elements.code;
    var earlier = document.getElementById("code-error");
    if (earlier) earlier.hidden = true;
    var messages = (box.getAttribute("data-messages") || "").split("\u001f");
    var message = function (name) {
      var at = REFUSALS.indexOf(SAME_AS[name] || name);
      return messages[at >= 0 ? at : REFUSALS.indexOf("busy")] || "";
    };
    var text = message(reason);
    if (reason === "format") text += " " + formatDetail(input.value, message);
    box.textContent = text;
    box.hidden = false;
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", "code-hint code-refused");
    input.focus();
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
      // An error answer that is not ours (a proxy's page) is "try again", not "no internet".
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.status !== 200) {
          busy = false;
          return refused(response.status === 429 ? "busy" : body.error || "busy");
        }
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
