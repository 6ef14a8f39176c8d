/* Rectification Portal: keeps the state of close-out notices (销号公示) current.
 *
 * A page states each notice's state as of the site's data date (data/as-of.js, which is loaded before
 * this script: a notice's own page does not carry that date, so that a new day's build leaves it
 * unchanged until the state moves, and it says the state without counting days). A static page may be served
 * long after that, so this script recomputes the state from the visitor's clock, taking the
 * calendar date in Asia/Shanghai (UTC+8, no daylight saving) from Date.now() rather than from the
 * browser's time zone. It never moves a state backwards: the date used is the later of the
 * visitor's date and the build date, so a notice that had ended when the page was built stays
 * ended even on a device whose clock is wrong.
 *
 * The markup (theme/templates/_macros.html) carries the data:
 *   [data-notice-end]       an element holding one notice's state, with data-notice-start and
 *                           data-notice-end (inclusive), both YYYY-MM-DD, and data-notice-state
 *   [data-notice-label]     inside it: the state label (正在公示 …)
 *   [data-notice-days]      inside it: days left / until opening / the end date
 *   [data-notice-when]      inside it: shown only in the listed states ("open upcoming")
 *   [data-notice-text]      inside it: text replaced by its data-notice-text-<state> attribute
 *   .state-box              inside it: gets the class state-<state>
 *   [data-notice-list]      a list of notices in one state; items move to the list of their
 *                           new state when the page has one
 *   [data-notice-empty], [data-notice-count], [data-notice-group]
 *                           the "none" message, the count and the wrapper of each state's list
 *   [data-notice-basis]     the sentence saying which date the states were computed for
 * Without JavaScript the page keeps its states as of the data date, which it says in words.
 */
(function () {
  "use strict";

  var DAY = 86400000;
  var SHANGHAI_OFFSET = 8 * 3600000;
  var LABELS = { upcoming: "即将公示", open: "正在公示", closed: "公示已结束" };

  function dayNumber(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    return m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) / DAY : NaN;
  }

  function shanghaiToday() {
    return Math.floor((Date.now() + SHANGHAI_OFFSET) / DAY);
  }

  function cnDate(day) {
    var d = new Date(day * DAY);
    return d.getUTCFullYear() + "年" + (d.getUTCMonth() + 1) + "月" + d.getUTCDate() + "日";
  }

  function stateOf(start, end, today) {
    if (today < start) {
      return { state: "upcoming", days: (start - today) + " 天后开始公示" };
    }
    if (today <= end) {
      var left = end - today + 1;
      return { state: "open", days: left <= 1 ? "今天是公示最后一天" : "还剩 " + left + " 天（含今天）" };
    }
    return { state: "closed", days: "公示已于 " + cnDate(end) + " 结束" };
  }

  function each(root, selector, fn) {
    Array.prototype.forEach.call(root.querySelectorAll(selector), fn);
  }

  function update(holder, today, built) {
    var start = dayNumber(holder.getAttribute("data-notice-start"));
    var end = dayNumber(holder.getAttribute("data-notice-end"));
    if (isNaN(start) || isNaN(end)) return null;
    var day = isNaN(built) ? today : Math.max(today, built);
    var s = stateOf(start, end, day);
    var before = holder.getAttribute("data-notice-state");
    holder.setAttribute("data-notice-state", s.state);
    each(holder, "[data-notice-label]", function (el) {
      el.textContent = LABELS[s.state];
      if (el.classList.contains("notice-state")) {
        el.classList.remove("notice-upcoming", "notice-open", "notice-closed");
        el.classList.add("notice-" + s.state);
      }
    });
    each(holder, "[data-notice-days]", function (el) { el.textContent = s.days; });
    each(holder, "[data-notice-when]", function (el) {
      el.hidden = el.getAttribute("data-notice-when").split(/\s+/).indexOf(s.state) < 0;
    });
    each(holder, "[data-notice-text]", function (el) {
      var text = el.getAttribute("data-notice-text-" + s.state);
      if (text !== null) el.textContent = text;
    });
    each(holder, ".state-box", function (el) {
      el.classList.remove("state-upcoming", "state-open", "state-closed");
      el.classList.add("state-" + s.state);
    });
    return { state: s.state, changed: before !== s.state, start: start, end: end };
  }

  function sortKey(state, item) {
    var start = dayNumber(item.getAttribute("data-notice-start"));
    var end = dayNumber(item.getAttribute("data-notice-end"));
    if (state === "open") return [end, start];
    if (state === "upcoming") return [start, end];
    return [-end, -start];
  }

  function sortList(list) {
    var state = list.getAttribute("data-notice-list");
    var items = Array.prototype.slice.call(list.children);
    items.sort(function (a, b) {
      var ka = sortKey(state, a), kb = sortKey(state, b);
      if (ka[0] !== kb[0]) return ka[0] - kb[0];
      if (ka[1] !== kb[1]) return ka[1] - kb[1];
      var ia = a.getAttribute("data-notice-id"), ib = b.getAttribute("data-notice-id");
      return ia < ib ? -1 : ia > ib ? 1 : 0;
    });
    items.forEach(function (item) { list.appendChild(item); });
  }

  function run() {
    var today = shanghaiToday();
    var asOf = window.portalAsOf;
    var built = dayNumber(asOf && asOf.iso);  // NaN without data/as-of.js: the visitor's date alone
    var lists = {};
    each(document, "ul[data-notice-list]", function (ul) { lists[ul.getAttribute("data-notice-list")] = ul; });
    var touched = [];
    var laterThanBuild = !(today <= built);
    each(document, "[data-notice-end]", function (holder) {
      var r = update(holder, today, built);
      if (!r || !r.changed) return;
      var parentList = holder.parentNode;
      if (parentList && parentList.hasAttribute && parentList.hasAttribute("data-notice-list")) {
        var target = lists[r.state];
        if (target && target !== parentList) {
          target.appendChild(holder);
          if (touched.indexOf(target) < 0) touched.push(target);
        }
      }
    });
    touched.forEach(sortList);
    ["open", "upcoming", "closed"].forEach(function (state) {
      var list = lists[state];
      var count = list ? list.children.length : 0;
      each(document, '[data-notice-empty="' + state + '"]', function (el) { el.hidden = count > 0; });
      each(document, '[data-notice-group="' + state + '"]', function (el) { el.hidden = count === 0; });
      each(document, '[data-notice-count="' + state + '"]', function (el) { el.textContent = count + " 项"; });
    });
    if (laterThanBuild) {
      each(document, "[data-notice-basis]", function (el) {
        el.textContent = "公示状态已按您设备上的北京时间日期 " + cnDate(today) + " 更新" +
          (isNaN(built) ? "" : "（本页数据截至 " + cnDate(built) + "）") + "。";
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
})();
