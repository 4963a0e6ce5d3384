/* The article site's snippet: turns each <div data-jobboard-widget> into the jobs widget.

   <div data-jobboard-widget data-query="profession=social-worker&location=leeds&limit=5"
        data-title="Social work jobs near Leeds">
     <a href="https://jobs.example/jobs/social-worker/in/leeds/">Social work jobs near Leeds</a>
   </div>
   <script src="https://jobs.example/static/js/embed.js" async></script>

   data-related="auto" ranks jobs by this article (its URL's words); any other value of
   data-related is used as the article's words. The iframe grows to fit its content: the
   height comes by postMessage, accepted only from the job board's own origin and frame. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var board = new URL(script.src, window.location.href).origin;

  function build(node) {
    if (node.getAttribute("data-jobboard-ready")) return;
    node.setAttribute("data-jobboard-ready", "true");
    var params = new URLSearchParams(node.getAttribute("data-query") || "");
    var related = node.getAttribute("data-related");
    if (related === "auto") params.set("related", window.location.href.split(/[?#]/)[0]);
    else if (related) params.set("related", related);
    var title = node.getAttribute("data-title");
    if (title) params.set("title", title);
    params.set("parent", window.location.origin);
    var frame = document.createElement("iframe");
    frame.src = board + "/embed/jobs/?" + params.toString();
    frame.title = title || "Jobs";
    frame.loading = "lazy";
    frame.setAttribute("scrolling", "no");
    frame.style.cssText = "display:block;width:100%;height:360px;border:0;overflow:hidden";
    while (node.firstChild) node.removeChild(node.firstChild);
    node.appendChild(frame);
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== board) return;
    var data = event.data;
    if (!data || data.type !== "jobboard:embed-height" || typeof data.height !== "number") return;
    var frames = document.querySelectorAll("[data-jobboard-widget] iframe");
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source) {
        frames[i].style.height = Math.max(80, Math.min(Math.round(data.height), 4000)) + "px";
      }
    }
  });

  var nodes = document.querySelectorAll("[data-jobboard-widget]");
  for (var i = 0; i < nodes.length; i++) build(nodes[i]);
})();
