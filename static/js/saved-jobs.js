/* Saved jobs with one tap; every save link also works without this script (it opens a page
   with one button).
   - Each [data-save-job] link becomes a toggle button (aria-pressed). The pages are kept and
     served to everyone alike, so this visitor's state comes from /me/saved/state/, read once.
   - Signed in as a seeker: a tap saves or removes the job in the account (POST).
   - Not signed in: the job is kept in this browser (localStorage), nothing leaves it; after
     signing in, the jobs kept here are moved into the account and forgotten here.
   - Every change is announced through a status line. */
(function () {
  "use strict";

  var KEY = "savedJobs";
  var STATE_URL = "/me/saved/state/";
  var IMPORT_URL = "/me/saved/import/";
  var state = null;

  function local() {
    try {
      var value = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      return Array.isArray(value) ? value.filter(function (r) { return typeof r === "string"; }) : [];
    } catch (e) {
      return [];
    }
  }

  function setLocal(refs) {
    try {
      if (refs.length) window.localStorage.setItem(KEY, JSON.stringify(refs.slice(0, 100)));
      else window.localStorage.removeItem(KEY);
    } catch (e) { /* private browsing: nothing kept */ }
  }

  function announce(text) {
    var status = document.getElementById("saved-jobs-status");
    if (!status) {
      status = document.createElement("p");
      status.id = "saved-jobs-status";
      status.className = "visually-hidden";
      status.setAttribute("role", "status");
      document.body.appendChild(status);
    }
    status.textContent = text;
  }

  function isSaved(ref) {
    var refs = state && state.signed_in ? state.saved : local();
    return refs.indexOf(ref) !== -1;
  }

  function show(link) {
    var ref = link.getAttribute("data-save-job");
    var saved = isSaved(ref);
    var full = link.classList.contains("button");
    link.setAttribute("role", "button");
    link.setAttribute("aria-pressed", saved ? "true" : "false");
    var title = link.getAttribute("data-save-title") || "";
    var label = saved ? "Saved" : (full ? "Save this job" : "Save");
    link.textContent = label;
    if (!full && title) {
      var hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.textContent = " " + title;
      link.appendChild(hidden);
    }
    link.classList.toggle("is-saved", saved);
  }

  function post(url, body) {
    return window.fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "X-CSRFToken": state.csrf,
        "Accept": "application/json",
        "Content-Type": "application/x-www-form-urlencoded"
      },
      body: body || ""
    });
  }

  function toggle(event) {
    var link = event.currentTarget;
    var ref = link.getAttribute("data-save-job");
    var title = link.getAttribute("data-save-title") || "Job";
    if (!state) return; // not ready: follow the link to the page with one button
    event.preventDefault();
    var saved = isSaved(ref);
    if (!state.signed_in) {
      var refs = local().filter(function (r) { return r !== ref; });
      if (!saved) refs.unshift(ref);
      setLocal(refs);
      show(link);
      announce(saved ? title + " removed from the jobs saved in this browser."
                     : title + " saved in this browser. Sign in to keep it on any device.");
      return;
    }
    var url = "/me/saved/" + encodeURIComponent(ref) + (saved ? "/remove/" : "/save/");
    post(url).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      if (saved) state.saved = state.saved.filter(function (r) { return r !== ref; });
      else state.saved.push(ref);
      show(link);
      announce(saved ? title + " removed from your saved jobs." : title + " saved to your account.");
    }).catch(function () {
      window.location.href = link.href; // the page with one button says what went wrong
    });
  }

  function moveLocalIntoAccount() {
    var refs = local();
    if (!refs.length || !state.signed_in) return;
    post(IMPORT_URL, "references=" + encodeURIComponent(JSON.stringify(refs))).then(function (response) {
      if (!response.ok) return;
      setLocal([]);
      return response.json().then(function (data) {
        if (document.querySelector("[data-saved-list]") && data.added) window.location.reload();
        else if (data.added) announce(data.added + " job(s) saved in this browser moved to your account.");
      });
    });
  }

  function start() {
    var links = Array.prototype.slice.call(document.querySelectorAll("[data-save-job]"));
    var list = document.querySelector("[data-local-saved]");
    if (list) {
      var count = local().length;
      if (count) {
        list.hidden = false;
        list.querySelector("[data-local-count]").textContent = String(count);
      }
    }
    if (!links.length && !local().length) return;
    window.fetch(STATE_URL, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        state = data;
        links.forEach(function (link) {
          show(link);
          link.addEventListener("click", toggle);
          link.addEventListener("keydown", function (event) {
            if (event.key === " ") { event.preventDefault(); link.click(); }
          });
        });
        moveLocalIntoAccount();
      })
      .catch(function () { /* the links still work */ });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
