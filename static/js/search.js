/* Search page enhancements; the page works fully without them.
   - Location autocomplete: fills the native <datalist> from /places/autocomplete/.
   - On phones the filter panel starts closed and keeps its state across HTMX updates.
   - After a pager or chip link updates the results, focus moves to the result count. */
(function () {
  "use strict";

  var narrow = window.matchMedia("(max-width: 55.99rem)");
  var panelOpen = !narrow.matches;
  var timer = null;
  var lastQuery = "";

  function applyPanelState() {
    var panel = document.getElementById("filter-panel");
    if (!panel) return;
    if (narrow.matches) {
      panel.open = panelOpen;
    } else {
      panel.open = true;
    }
  }

  function fillOptions(input, results) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) return;
    while (list.firstChild) list.removeChild(list.firstChild);
    results.forEach(function (place) {
      var option = document.createElement("option");
      option.value = place.label;
      list.appendChild(option);
    });
  }

  function suggest(input) {
    var query = input.value.trim();
    if (query.length < 2 || query === lastQuery || query.indexOf(",") !== -1) return;
    lastQuery = query;
    var url = input.getAttribute("data-autocomplete-url") + "?q=" + encodeURIComponent(query);
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) {
        if (input.value.trim() === query) fillOptions(input, data.results || []);
      })
      .catch(function () { /* suggestions are a nicety; typing still works */ });
  }

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-autocomplete-url]")) return;
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { suggest(input); }, 200);
  });

  document.addEventListener("toggle", function (event) {
    if (event.target.id === "filter-panel" && narrow.matches) panelOpen = event.target.open;
  }, true);

  document.addEventListener("htmx:afterSwap", function (event) {
    applyPanelState();
    var source = event.detail && event.detail.requestConfig && event.detail.requestConfig.elt;
    if (source && source.closest && source.closest(".pager, .chips")) {
      var heading = document.getElementById("results-count");
      if (heading) {
        heading.setAttribute("tabindex", "-1");
        heading.focus();
      }
    }
  });

  if (narrow.addEventListener) narrow.addEventListener("change", applyPanelState);

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", applyPanelState);
  } else {
    applyPanelState();
  }
})();
