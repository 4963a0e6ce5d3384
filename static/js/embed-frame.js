/* Inside the widget's iframe: tell the article page how tall the content is, so it can size
   the frame without a scroll bar. Posts only to the parent origin the server checked. */
(function () {
  "use strict";
  var main = document.querySelector("[data-parent-origin]");
  var origin = main && main.getAttribute("data-parent-origin");
  if (!origin || window.parent === window) return;
  var last = 0;
  function send() {
    var height = Math.ceil(main.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: "jobboard:embed-height", height: height }, origin);
  }
  if ("ResizeObserver" in window) new ResizeObserver(send).observe(main);
  window.addEventListener("load", send);
  window.addEventListener("resize", send);
  send();
})();
