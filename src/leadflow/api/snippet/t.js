/* leadflow's website snippet: page views of an anonymous visitor, joined to the
   contact when a form names them. Served by leadflow at /t.js; docs/api.md says how to
   install it. The visitor id lives in a first-party cookie of the site (lf_visitor). */
(function () {
  "use strict";
  var config = __CONFIG__;
  var script = document.currentScript;
  // leadflow's address is where this script came from, path prefix included: behind a
  // proxy serving leadflow under /leadflow, /leadflow/t.js sends to /leadflow/collect.
  var source = new URL(script ? script.src : "/t.js", location.href);
  var base = source.origin + source.pathname.replace(/\/t\.js$/, "");
  var VISITOR = "lf_visitor";
  var CONSENT = "lf_consent";
  var started = false;

  function readCookie(name) {
    var pairs = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < pairs.length; i++) {
      var at = pairs[i].indexOf("=");
      if (pairs[i].slice(0, at) === name) return decodeURIComponent(pairs[i].slice(at + 1));
    }
    return null;
  }

  function writeCookie(name, value, seconds) {
    var secure = location.protocol === "https:" ? "; Secure" : "";
    document.cookie = name + "=" + encodeURIComponent(value) + "; Max-Age=" + seconds +
      "; Path=/; SameSite=Lax" + secure;
  }

  function randomId() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function allowed() {
    // A refusal ("no") is remembered even where consent is not asked first (opt-out).
    var answer = readCookie(CONSENT);
    return answer === "yes" || (!config.requireConsent && answer !== "no");
  }

  function visitorId() {
    var id = readCookie(VISITOR);
    if (!/^[A-Za-z0-9_-]{8,64}$/.test(id || "")) id = randomId();
    // Written again on every page: the cookie lives cookieDays after the last visit.
    writeCookie(VISITOR, id, config.cookieDays * 86400);
    return id;
  }

  function send(type) {
    if (!allowed()) return false;
    var body = JSON.stringify({
      id: randomId(),
      visitor_id: visitorId(),
      type: type,
      url: location.href,
      referrer: document.referrer || null,
      title: (document.title || "").slice(0, 300)
    });
    // A string beacon is text/plain: no CORS preflight, and it survives the page closing.
    if (navigator.sendBeacon && navigator.sendBeacon(base + "/collect", body)) return true;
    fetch(base + "/collect", { method: "POST", body: body, keepalive: true, mode: "no-cors" });
    return true;
  }

  // Forms that post to leadflow carry the visitor id, so the visitor's history joins
  // the contact the form creates.
  function tag(form) {
    if (!form.action || form.action.indexOf(base + "/forms/") !== 0) return;
    var field = form.querySelector("input[name=visitor_id]");
    if (!allowed()) {
      // Consent withdrawn since the page tagged it: the post must not name the visitor.
      if (field && field.hasAttribute("data-leadflow")) form.removeChild(field);
      return;
    }
    if (!field) {
      field = document.createElement("input");
      field.type = "hidden";
      field.name = "visitor_id";
      field.setAttribute("data-leadflow", "");
      form.appendChild(field);
    }
    field.value = visitorId();
  }

  function tagAll() {
    Array.prototype.forEach.call(document.forms, tag);
  }

  function start() {
    if (started || !allowed()) return;
    started = true;
    send("page_view");
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", tagAll);
    } else {
      tagAll();
    }
  }

  document.addEventListener("submit", function (event) { tag(event.target); }, true);

  var api = {
    consent: function (granted) {
      if (granted) {
        writeCookie(CONSENT, "yes", config.cookieDays * 86400);
        start();
      } else {
        // Where consent is asked first, no cookie says no; otherwise "no" must stay.
        writeCookie(CONSENT, config.requireConsent ? "" : "no",
          config.requireConsent ? 0 : config.cookieDays * 86400);
        writeCookie(VISITOR, "", 0);
        started = false;
        tagAll();
      }
    },
    track: function (type) {
      return config.events.indexOf(type) >= 0 && send(type);
    },
    visitorId: function () {
      return allowed() ? visitorId() : null;
    },
    push: function (command) {
      // A command the snippet lacks (a typo, another tracker's) must not stop the queue
      // before the consent that follows it, nor throw in the site's own code.
      var run = command && Object.prototype.hasOwnProperty.call(api, command[0]) &&
        command[0] !== "push" ? api[command[0]] : null;
      if (!run) {
        if (window.console) console.warn("leadflow: no command", command && command[0]);
        return;
      }
      run.apply(null, command.slice(1));
    }
  };
  // Calls queued before the snippet loaded: window.leadflow = [["consent", true]].
  var queued = window.leadflow;
  window.leadflow = api;
  if (Array.isArray(queued)) queued.forEach(api.push);
  start();
})();
