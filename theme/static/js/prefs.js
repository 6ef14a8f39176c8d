/* Reading preferences (issue 8): 长者模式 (large text, high contrast), remembered in this browser.
   Loaded in <head> without defer so the mode applies before the page is drawn. Without JavaScript the
   toggle stays hidden and the page is shown normally. */
(function () {
  "use strict";
  var KEY = "portal-elder";
  var root = document.documentElement;
  function stored() {
    try { return window.localStorage.getItem(KEY) === "1"; } catch (e) { return false; }
  }
  function apply(on) {
    root.classList.toggle("elder", on);
    var buttons = document.querySelectorAll("[data-elder-toggle]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", on ? "true" : "false");
      buttons[i].textContent = buttons[i].getAttribute(on ? "data-on" : "data-off");
    }
  }
  apply(stored());
  document.addEventListener("DOMContentLoaded", function () {
    var buttons = document.querySelectorAll("[data-elder-toggle]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
      buttons[i].addEventListener("click", function () {
        var on = !root.classList.contains("elder");
        try { window.localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* private mode: this page only */ }
        apply(on);
      });
    }
    apply(root.classList.contains("elder"));
  });
})();
