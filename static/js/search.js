/* Search page enhancements; the page works fully without them.
   - A changed checkbox, radio button or select updates the results at once (HTMX submits
     the form); a select changed with the arrow keys waits until the seeker pauses; text
     boxes wait for Enter or the Search button.
   - Text typed while an update was on its way is kept when the results are swapped in.
   - Location autocomplete: fills the native <datalist> from /places/autocomplete/.
   - On phones the search line, and the filter sheet, start closed and keep their state (and
     the sheet its scroll position) across HTMX updates; "Apply filters" closes the sheet.
   - After a pager or chip link updates the results, focus moves to the result count, and
     every update is announced to screen readers through a status line outside the swap. */
(function () {
  "use strict";

  var narrow = window.matchMedia("(max-width: 55.99rem)");
  var panelOpen = !narrow.matches;
  var editOpen = false;
  var sheetScroll = 0;
  var timer = null;
  var lastQuery = "";

  function applyPanelState() {
    var panel = document.getElementById("filter-panel");
    var edit = document.getElementById("search-edit");
    if (edit) edit.open = narrow.matches ? editOpen : true;
    if (!panel) return;
    if (narrow.matches) {
      panel.open = panelOpen;
      panel.scrollTop = sheetScroll;
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

  var TEXT_FIELDS = ["search-q", "search-location"];
  var sentValues = {};
  var typedValues = {};

  function textValues() {
    var values = {};
    TEXT_FIELDS.forEach(function (id) {
      var field = document.getElementById(id);
      if (field) values[id] = field.value;
    });
    return values;
  }

  // A select stepped through with the arrow keys changes at every press: search once the
  // seeker pauses (or leaves the select, or presses Enter), not once per option passed.
  var SELECT_PAUSE_MS = 600;
  var pendingForm = null;
  var pendingTimer = null;
  var keyedSelect = null;

  function submitNow(form) {
    window.clearTimeout(pendingTimer);
    pendingTimer = null;
    pendingForm = null;
    if (form.requestSubmit) form.requestSubmit();
  }

  function submitLater(form) {
    window.clearTimeout(pendingTimer);
    pendingForm = form;
    pendingTimer = window.setTimeout(function () { submitNow(form); }, SELECT_PAUSE_MS);
  }

  function inSearchForm(field) {
    return field && field.form && field.form.id === "search-form";
  }

  document.addEventListener("keydown", function (event) {
    var field = event.target;
    if (!inSearchForm(field) || !field.matches("select")) return;
    keyedSelect = field;
    if (event.key === "Enter" && pendingForm) {
      event.preventDefault();
      submitNow(pendingForm);
    }
  }, true);

  document.addEventListener("keyup", function () { keyedSelect = null; }, true);

  document.addEventListener("focusout", function (event) {
    if (pendingForm && event.target.matches && event.target.matches("select")) {
      submitNow(pendingForm);
    }
  }, true);

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (!inSearchForm(field)) return;
    if (field.matches("select") && field === keyedSelect) {
      submitLater(field.form);
    } else if (field.matches("input[type=checkbox], input[type=radio], select")) {
      submitNow(field.form);
    }
  });

  document.addEventListener("htmx:beforeRequest", function () {
    sentValues = textValues();
  });

  document.addEventListener("htmx:beforeSwap", function () {
    var panel = document.getElementById("filter-panel");
    sheetScroll = panel && narrow.matches ? panel.scrollTop : 0;
    var current = textValues();
    typedValues = {};
    Object.keys(current).forEach(function (id) {
      if (current[id] !== sentValues[id]) typedValues[id] = current[id];
    });
  });

  document.addEventListener("toggle", function (event) {
    if (!narrow.matches) return;
    if (event.target.id === "filter-panel") panelOpen = event.target.open;
    if (event.target.id === "search-edit") editOpen = event.target.open;
  }, true);

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".apply-filters");
    if (button && narrow.matches) {
      panelOpen = false;
      sheetScroll = 0;
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    applyPanelState();
    Object.keys(typedValues).forEach(function (id) {
      var field = document.getElementById(id);
      if (field) field.value = typedValues[id];
    });
    typedValues = {};
    var status = document.getElementById("search-status");
    var count = document.getElementById("results-count");
    if (status && count) status.textContent = count.textContent.replace(/\s+/g, " ").trim();
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
