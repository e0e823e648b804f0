// Caducée shell behaviour: small, no inline script (CSP), works without it.
(function () {
  "use strict";
  // On a phone, the filters fold away until asked for (unless some are set).
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.matchMedia("(max-width: 800px)").matches) { return; }
    var active = new URLSearchParams(window.location.search);
    active.delete("page"); active.delete("sort"); active.delete("per_page");
    document.querySelectorAll("details.js-filters").forEach(function (panel) {
      if (active.toString() === "") { panel.removeAttribute("open"); }
    });
  });
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.classList && target.classList.contains("js-autosubmit") && target.form) {
      target.form.submit();
    }
  });
})();
