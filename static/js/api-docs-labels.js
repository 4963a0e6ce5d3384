// Swagger UI draws each parameter's field beside its name in a table, with no <label>: a
// screen reader hears "combo box" and nothing else. Name each field after its parameter.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || !window.MutationObserver) return;
  function label() {
    root.querySelectorAll("tr[data-param-name]").forEach(function (row) {
      var name = row.getAttribute("data-param-name");
      var where = row.getAttribute("data-param-in");
      row.querySelectorAll("input, select, textarea").forEach(function (field) {
        if (!field.getAttribute("aria-label") && !field.labels.length) {
          field.setAttribute("aria-label", where ? name + " (" + where + ")" : name);
        }
      });
    });
  }
  new MutationObserver(label).observe(root, { childList: true, subtree: true });
})();
