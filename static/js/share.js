/* "Share this job": without this script it is a plain link to the job's permanent address.
   With it, the phone's share sheet opens (Web Share API) where there is one; elsewhere the
   address is copied to the clipboard and the status line beside the link says so. */
(function () {
  "use strict";

  function say(link, text) {
    var status = link.parentNode.querySelector(".share-status");
    if (status) status.textContent = text;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.share-link");
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    var url = link.href;
    var title = link.getAttribute("data-share-title") || document.title;
    if (navigator.share) {
      event.preventDefault();
      navigator.share({ title: title, url: url }).catch(function () { /* dismissed */ });
    } else if (navigator.clipboard && window.isSecureContext) {
      event.preventDefault();
      navigator.clipboard.writeText(url).then(
        function () { say(link, "Link copied"); },
        function () { window.location.href = url; }
      );
    }
  });
})();
