// Lingyan page behaviour. No inline scripts anywhere (the CSP forbids them);
// everything small lives here.
(function () {
  "use strict";
  // Wide screens: the menu is always open; phones: a tap opens it.
  function syncMenu() {
    var m = document.querySelector("details.menu");
    if (m && window.matchMedia("(min-width: 641px)").matches) { m.open = true; }
  }
  document.addEventListener("DOMContentLoaded", syncMenu);
  window.addEventListener("resize", syncMenu);

  // <button data-confirm="…"> asks before submitting its form.
  document.addEventListener("click", function (e) {
    var b = e.target.closest ? e.target.closest("[data-confirm]") : null;
    if (b && !window.confirm(b.getAttribute("data-confirm"))) { e.preventDefault(); }
  });
})();
