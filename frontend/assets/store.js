// What the child's device keeps, and sending a finished survey. Shared by the other scripts
// through window.Veilig. Plain ES2017, no framework; every page works without it.
//
// - A survey under way: localStorage "veilig.draft.<id>", encrypted (AES-GCM) with a key made
//   from the code (PBKDF2), under an id made from the code the same way. Only someone with the
//   code can open it; the code itself is stored only inside it. Each carries the day it was
//   saved (never a time), so old ones are removed.
// - This tab's survey: sessionStorage "veilig.session" holds the key, so a reload goes on
//   without the code. It goes when the tab closes, at a quick exit and at a kiosk reset.
// - Finished surveys waiting for a network: localStorage "veilig.outbox", each with the
//   submission_id made once on the device, so sending twice stores it once.
(function () {
  "use strict";
  var DRAFT = "veilig.draft.";
  var OUTBOX = "veilig.outbox";
  var SESSION = "veilig.session";
  var SALT = "veilig/device/v1 ";
  var ROUNDS = 150000;

  function usable(name) {
    try {
      var s = window[name];
      s.setItem("veilig.test", "1");
      s.removeItem("veilig.test");
      return s;
    } catch (e) {
      return null;
    }
  }
  var local = usable("localStorage");
  var session = usable("sessionStorage");
  // The survey runs on the device only where it can be kept safely; elsewhere the plain forms.
  var canSurvey = !!(local && session && window.isSecureContext && window.crypto &&
    crypto.subtle && window.fetch && window.TextEncoder && window.Promise);

  var encoder = window.TextEncoder ? new TextEncoder() : null;

  function toBase64(bytes) {
    var text = "";
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text);
  }

  function fromBase64(text) {
    var raw = atob(text);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function toHex(bytes) {
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  // Case, spaces and dashes do not matter, as on the server.
  function normalise(code) {
    return String(code).replace(/[\s\-\u2010\u2013]/g, "").toUpperCase();
  }

  // A day, never a time: nothing a child leaves behind says when.
  function today() {
    return new Date().toISOString().slice(0, 10);
  }

  function importKey(raw) {
    return crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
  }

  // 512 bits from the code: the first half is the key, the second names the draft.
  function derive(code) {
    return crypto.subtle.importKey("raw", encoder.encode(normalise(code)), "PBKDF2", false, ["deriveBits"])
      .then(function (material) {
        return crypto.subtle.deriveBits({
          name: "PBKDF2",
          hash: "SHA-256",
          salt: encoder.encode(SALT + location.origin),
          iterations: ROUNDS
        }, material, 512);
      })
      .then(function (bits) {
        var bytes = new Uint8Array(bits);
        var raw = bytes.slice(0, 32);
        return importKey(raw).then(function (key) {
          return { id: toHex(bytes.slice(32, 48)), key: key, raw: toBase64(raw) };
        });
      });
  }

  function saveDraft(id, key, state) {
    var iv = crypto.getRandomValues(new Uint8Array(12));
    var plain = encoder.encode(JSON.stringify(state));
    return crypto.subtle.encrypt({ name: "AES-GCM", iv: iv }, key, plain).then(function (sealed) {
      local.setItem(DRAFT + id, JSON.stringify({
        day: today(),
        iv: toBase64(iv),
        data: toBase64(new Uint8Array(sealed))
      }));
    });
  }

  // The draft, or null when there is none or it cannot be opened with this key.
  function loadDraft(id, key) {
    var stored;
    try {
      stored = JSON.parse(local.getItem(DRAFT + id) || "null");
    } catch (e) {
      stored = null;
    }
    if (!stored) return Promise.resolve(null);
    return crypto.subtle.decrypt({ name: "AES-GCM", iv: fromBase64(stored.iv) }, key, fromBase64(stored.data))
      .then(function (plain) {
        return JSON.parse(new TextDecoder().decode(plain));
      })
      .catch(function () {
        return null;
      });
  }

  function dropDraft(id) {
    if (local) local.removeItem(DRAFT + id);
  }

  // Half-finished surveys are not kept for ever (the server's drafts go after as many days).
  function purgeDrafts(days) {
    if (!local) return;
    var cutoff = new Date(Date.now() - days * 86400000).toISOString().slice(0, 10);
    for (var i = local.length - 1; i >= 0; i--) {
      var name = local.key(i);
      if (!name || name.indexOf(DRAFT) !== 0) continue;
      var day = "";
      try {
        day = JSON.parse(local.getItem(name)).day;
      } catch (e) {
        day = "";
      }
      if (!day || day < cutoff) local.removeItem(name);
    }
  }

  function getSession() {
    try {
      return JSON.parse((session && session.getItem(SESSION)) || "null");
    } catch (e) {
      return null;
    }
  }

  function setSession(value) {
    if (session) session.setItem(SESSION, JSON.stringify(value));
  }

  // This tab forgets its survey (the draft stays, for the code to open).
  function forgetSession() {
    if (session) session.clear();
  }

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = toHex(b);
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // A new survey for an accepted code (see POST /api/v1/codes/check).
  function newState(code, accepted, language) {
    return {
      v: 1,
      code: normalise(code),
      submission_id: uuid(),
      wave: accepted.wave,
      setting_type: accepted.setting_type,
      language: language,
      step: "language",
      demographics: {},
      answers: {},
      open_answer: null,
      concealed: [],
      offer_help: false,
      resumed: false
    };
  }

  // Picked up again with the code in a new session: everything answered is kept but never
  // shown again, because whoever typed the code may not be the child who answered.
  function concealEarlier(state) {
    var hidden = [];
    Object.keys(state.demographics).forEach(function (field) {
      hidden.push("about:" + field);
    });
    Object.keys(state.answers).forEach(function (item) {
      hidden.push("item:" + item);
    });
    if (state.open_answer) hidden.push("open");
    hidden.forEach(function (k) {
      if (state.concealed.indexOf(k) < 0) state.concealed.push(k);
    });
    state.resumed = hidden.length > 0;
    state.offer_help = false;
  }

  function outbox() {
    try {
      return JSON.parse((local && local.getItem(OUTBOX)) || "[]");
    } catch (e) {
      return [];
    }
  }

  function keep(list) {
    if (!local) return;
    if (list.length) local.setItem(OUTBOX, JSON.stringify(list));
    else local.removeItem(OUTBOX);
  }

  function queue(id, body) {
    var list = outbox().filter(function (e) { return e.id !== id; });
    list.push({ id: id, body: body });
    keep(list);
  }

  function waiting(id) {
    return outbox().some(function (e) { return e.id === id; });
  }

  var listeners = [];
  var flushing = null;
  var retry = null;
  var delay = 2000;

  function tell(id, outcome) {
    listeners.forEach(function (f) { f(id, outcome); });
  }

  // 201 and 200 (sent before) are done; other 4xx answers will not change by trying again
  // (the code was used by another submission, the wave closed); no answer, 408, 429 and 5xx
  // wait for the next try.
  function sendOne(entry) {
    return fetch("/api/v1/responses", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: entry.body,
      credentials: "same-origin",
      cache: "no-store"
    }).then(function (r) {
      if (r.status === 200 || r.status === 201) return "sent";
      if (r.status === 408 || r.status === 429 || r.status >= 500) return "waiting";
      return "refused";
    }, function () {
      return "waiting";
    });
  }

  function flush() {
    if (flushing) return flushing;
    clearTimeout(retry);
    var entries = outbox();
    flushing = entries.reduce(function (done, entry) {
      return done.then(function (left) {
        return sendOne(entry).then(function (outcome) {
          if (outcome !== "waiting") {
            keep(outbox().filter(function (e) { return e.id !== entry.id; }));
          }
          tell(entry.id, outcome);
          return left + (outcome === "waiting" ? 1 : 0);
        });
      });
    }, Promise.resolve(0)).then(function (left) {
      flushing = null;
      if (left > 0) {
        retry = setTimeout(flush, delay);
        delay = Math.min(delay * 2, 60000);
      } else {
        delay = 2000;
      }
    });
    return flushing;
  }

  window.addEventListener("online", function () {
    delay = 2000;
    flush();
  });

  window.Veilig = {
    canSurvey: canSurvey,
    normalise: normalise,
    derive: derive,
    importKey: function (raw) { return importKey(fromBase64(raw)); },
    saveDraft: saveDraft,
    loadDraft: loadDraft,
    dropDraft: dropDraft,
    purgeDrafts: purgeDrafts,
    getSession: getSession,
    setSession: setSession,
    forgetSession: forgetSession,
    newState: newState,
    concealEarlier: concealEarlier,
    queue: queue,
    waiting: waiting,
    flush: flush,
    onOutcome: function (f) { listeners.push(f); }
  };

  // Surveys finished without a network go out from whichever page loads next.
  if (outbox().length) flush();

  // The service worker keeps the survey usable without a network (see /sw.js).
  if (canSurvey && "serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
  }
})();
