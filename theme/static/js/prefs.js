/* Reading preferences: 长者模式 (large text, high contrast), remembered in this browser.
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
    siteDate();
    printDate();  // after siteDate: it follows what that wrote
    dayCounts();
  });

  /* Pages whose content does not move with the data date (a complaint, its listings, the look-up) do not carry
     it, so a new day's build leaves them unchanged: data/as-of.js (loaded with defer, so before this runs)
     gives it, and it is written into their [data-site-date] element. Without it the element stays hidden. */
  function siteDate() {
    var day = window.portalAsOf;
    if (!day || typeof day.iso !== "string" || typeof day.text !== "string") return;
    var holders = document.querySelectorAll("[data-site-date]");
    for (var i = 0; i < holders.length; i++) {
      var slot = holders[i].querySelector(".as-of");
      if (!slot) continue;
      var time = document.createElement("time");
      time.setAttribute("datetime", day.iso);
      time.textContent = day.text;
      slot.replaceChildren(time);
      holders[i].hidden = false;
    }
  }

  /* Day counts that move with the data date (逾期 N 天, N 天未更新) are not in the pages of tasks, notices and
     regions, so that a new day's build leaves those pages unchanged (issue 18; day_count in _macros.html). Such an
     element shows a text that is true without a count ("逾期"); its data-count-text is written instead, with {n}
     the days from data-count-from to the data date (data/as-of.js) plus data-count-add, and {date} that date. */
  function dayNumber(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    return m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) / 86400000 : NaN;
  }

  function dayCounts() {
    var day = window.portalAsOf;
    if (!day || typeof day.iso !== "string" || typeof day.text !== "string") return;
    var asOf = dayNumber(day.iso);
    if (isNaN(asOf)) return;
    var counts = document.querySelectorAll("[data-count-text]");
    for (var i = 0; i < counts.length; i++) {
      var text = counts[i].getAttribute("data-count-text");
      var from = counts[i].getAttribute("data-count-from");
      if (from !== null) {
        var n = asOf - dayNumber(from) + (Number(counts[i].getAttribute("data-count-add")) || 0);
        if (isNaN(n)) continue;
        text = text.replace("{n}", String(n));
      }
      counts[i].textContent = text.replace("{date}", day.text);
    }
  }

  /* On paper an item page says when it was printed: today in Beijing time (the site's dates are), filled in
     when the page opens and again just before printing. Without JavaScript it gives the item's date (or the data
     date) only. */
  function printDate() {
    var now = new Date(), y = now.getFullYear(), m = now.getMonth() + 1, d = now.getDate();
    try {
      var parts = new Intl.DateTimeFormat("en-US", { timeZone: "Asia/Shanghai", year: "numeric", month: "numeric", day: "numeric" })
        .formatToParts(now).reduce(function (o, p) { o[p.type] = Number(p.value); return o; }, {});
      y = parts.year; m = parts.month; d = parts.day;
    } catch (e) { /* no time zone data: the device's own date */ }
    var iso = y + "-" + ("0" + m).slice(-2) + "-" + ("0" + d).slice(-2), day = y + "年" + m + "月" + d + "日";
    var spans = document.querySelectorAll("[data-print-date]");
    for (var i = 0; i < spans.length; i++) {
      var time = document.createElement("time");
      time.textContent = day;
      time.setAttribute("datetime", iso);
      var said = false;  // a date before it on its line (信息更新于, 数据截至): then it follows it after a comma
      for (var prev = spans[i].previousSibling; prev && prev.nodeName !== "BR"; prev = prev.previousSibling) {
        if ((prev.nodeType === 3 || !prev.hidden) && prev.textContent.trim()) { said = true; break; }
      }
      var ends = spans[i].getAttribute("data-print-date") === "alone";  // the page gives no full stop after it
      spans[i].replaceChildren(said ? "，打印于 " : "打印于 ", time, ends ? "。" : "");
      spans[i].hidden = false;
    }
  }
  window.addEventListener("beforeprint", printDate);

  /* The words a script says, as the page gives them (so the 繁體 reading of a page says them in 繁體): the
     <data value="key">text</data> elements of ``template``. words("checking", {ref: "…"}) fills {ref} of
     the text named "checking"; an unknown key is said as itself. Used by lookup.js and search.js. */
  window.portalWords = function (template) {
    var known = {};
    if (template) template.content.querySelectorAll("data").forEach(function (d) { known[d.value] = d.textContent; });
    return function (key, values) {
      return (known[key] || key).replace(/\{(\w+)\}/g, function (_, name) { return String((values || {})[name]); });
    };
  };
})();
