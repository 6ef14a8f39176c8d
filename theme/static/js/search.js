/* The search page: the portal's own search interface over Pagefind's JavaScript API (pagefind.js).

   Everything shown here comes from content (titles, excerpts, region names in the filters), so this
   script builds the page with createElement and textContent only: no string from the index is ever
   parsed as HTML. (Pagefind's bundled UI renders filter values as HTML, which let markup in a region
   name run on this page; it is not used.) Excerpts arrive as text with <mark> around the matched
   words: they are split on those two tags and every piece becomes a text node.

   A large site has several indexes (pagefind/<shard>/, see generator/pagefind.py); the 搜索范围 list
   picks one scope, whose first bundle is the primary index and the others are merged in (?scope=).
   Each scope gets its own instance of pagefind.js (imported with ?scope=…), so merging one scope's
   indexes never leaks into another's. Result links are made relative to the site root, so the site
   works under any sub-path; a link that would leave the site is not shown. */
(function () {
  "use strict";
  var box = document.getElementById("search");
  if (!box) return;
  var meta = document.querySelector('meta[name="portal-root"]');
  var root = new URL(meta ? meta.content : "../", window.location.href);
  var select = document.getElementById("search-scope");
  var params = new URLSearchParams(window.location.search);
  var PAGE_SIZE = 10;
  var FILTER_ORDER = ["类型", "地区", "状态", "污染类型", "批次"];
  var engines = {};  // scope id → Promise of its pagefind instance
  var state = { query: "", selected: {}, results: [], shown: 0, serial: 0 };

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function scope() {
    var option = select ? select.options[select.selectedIndex] : null;
    var names = (option ? option.getAttribute("data-bundles") : box.getAttribute("data-bundles")) || "";
    return {
      id: option ? option.value : "default",
      paths: names.split(" ").filter(Boolean).map(function (name) {
        return new URL("pagefind/" + encodeURIComponent(name) + "/", root).href;
      })
    };
  }

  function engine() {
    var s = scope();
    if (!engines[s.id]) {
      engines[s.id] = import(s.paths[0] + "pagefind.js?scope=" + encodeURIComponent(s.id)).then(function (pf) {
        return pf.options({ baseUrl: root.pathname, excerptLength: 30 }).then(function () {
          return Promise.all(s.paths.slice(1).map(function (path) { return pf.mergeIndex(path); }));
        }).then(function () {
          return pf.filters();  // loads the filter indexes, so that searches report filter counts
        }).then(function () { return pf; });
      });
    }
    return engines[s.id];
  }

  /* The interface: a search form, the filters, a status line, the results and "more". */
  var form = el("form", { "class": "search-form", role: "search", action: "", "aria-label": "搜索本站" });
  var label = el("label", { "for": "search-input" }, "搜索本站");
  var input = el("input", { id: "search-input", "class": "search-input", type: "search", name: "q",
    autocomplete: "off", enterkeyhint: "search", placeholder: "输入关键词，例如：垃圾填埋场" });
  var go = el("button", { type: "submit" }, "搜索");
  form.appendChild(label);
  form.appendChild(input);
  form.appendChild(go);
  var filters = el("div", { "class": "search-filters" });
  var message = el("p", { "class": "search-message", role: "status", "aria-live": "polite" });
  var list = el("ol", { "class": "search-results" });
  var more = el("button", { type: "button", "class": "search-more", hidden: "" }, "显示更多结果");
  box.textContent = "";
  [form, filters, message, list, more].forEach(function (node) { box.appendChild(node); });

  function say(text) { message.textContent = text; }

  /* A filter value as written in content: generator/pagefind.py (filter_value) percent-encodes %, " and \\. */
  function shown(value) {
    return value.replace(/%(25|22|5C)/g, function (_, code) { return { "25": "%", "22": "\"", "5C": "\\" }[code]; });
  }

  /* An excerpt is text with <mark>…</mark> around matches; anything else in it is shown as text. */
  function decode(text) {
    return text.replace(/&(lt|gt|quot|#39|#x27|#039|amp);/g, function (_, name) {
      return { lt: "<", gt: ">", quot: "\"", "#39": "'", "#x27": "'", "#039": "'", amp: "&" }[name];
    });
  }

  function excerpt(text) {
    var p = el("p", { "class": "search-result-excerpt" });
    String(text || "").split(/(<mark>|<\/mark>)/).reduce(function (inMark, piece) {
      if (piece === "<mark>") return true;
      if (piece === "</mark>") return false;
      if (piece) p.appendChild(inMark ? el("mark", {}, decode(piece)) : document.createTextNode(decode(piece)));
      return inMark;
    }, false);
    return p;
  }

  /* Only links into this site: same protocol and host as the site root, below its path. */
  function inside(url) {
    try {
      var target = new URL(url, root);
      return target.protocol === root.protocol && target.host === root.host &&
        target.pathname.indexOf(root.pathname) === 0 ? target.href : null;
    } catch (e) {
      return null;
    }
  }

  function showMore() {
    var batch = state.results.slice(state.shown, state.shown + PAGE_SIZE);
    var serial = state.serial;
    state.shown += batch.length;
    more.hidden = state.shown >= state.results.length;
    return Promise.all(batch.map(function (r) { return r.data(); })).then(function (items) {
      if (serial !== state.serial) return;
      items.forEach(function (data) {
        var href = inside(data.url);
        if (!href) return;
        var item = el("li", { "class": "search-result" });
        var title = el("a", { "class": "search-result-link", href: href },
          (data.meta && data.meta.title) || data.url);
        var heading = el("p", { "class": "search-result-title" });
        heading.appendChild(title);
        item.appendChild(heading);
        item.appendChild(excerpt(data.excerpt));
        list.appendChild(item);
      });
    });
  }

  function renderFilters(available) {
    var open = {};
    filters.querySelectorAll("details[open]").forEach(function (d) { open[d.getAttribute("data-name")] = true; });
    filters.textContent = "";
    var names = Object.keys(available || {}).sort(function (a, b) {
      var ia = FILTER_ORDER.indexOf(a), ib = FILTER_ORDER.indexOf(b);
      return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || (a < b ? -1 : a > b ? 1 : 0);
    });
    if (!names.length) return;
    var panel = el("fieldset", { "class": "search-filter-panel" });
    panel.appendChild(el("legend", {}, "筛选"));
    names.forEach(function (name, i) {
      var values = available[name];
      var choices = Object.keys(values).sort().filter(function (value) {
        return values[value] > 0 || (state.selected[name] || []).indexOf(value) >= 0;  // no empty choices
      });
      if (!choices.length) return;
      var details = el("details", { "class": "search-filter", "data-name": name });
      if (open[name] || (state.selected[name] || []).length) details.open = true;
      details.appendChild(el("summary", { "class": "search-filter-name" }, name));
      var group = el("fieldset", { "class": "search-filter-group" });
      group.appendChild(el("legend", { "class": "visually-hidden" }, name));
      choices.forEach(function (value, j) {
        var id = "filter-" + i + "-" + j;
        var row = el("div", { "class": "search-filter-value" });
        var check = el("input", { type: "checkbox", id: id });
        check.checked = (state.selected[name] || []).indexOf(value) >= 0;
        check.addEventListener("change", function () {
          var chosen = (state.selected[name] || []).filter(function (v) { return v !== value; });
          if (check.checked) chosen.push(value);
          state.selected[name] = chosen;
          run(state.query);
        });
        row.appendChild(check);
        row.appendChild(el("label", { "for": id, "class": "search-filter-label" }, shown(value) + "（" + values[value] + "）"));
        group.appendChild(row);
      });
      details.appendChild(group);
      panel.appendChild(details);
    });
    filters.appendChild(panel);
  }

  function chosenFilters() {
    var out = {};
    Object.keys(state.selected).forEach(function (name) {
      if (state.selected[name].length) out[name] = { any: state.selected[name].slice() };
    });
    return out;
  }

  function run(query) {
    query = (query || "").trim();
    state.query = query;
    var serial = ++state.serial;
    list.textContent = "";
    more.hidden = true;
    if (!query) {
      say("");
      filters.textContent = "";
      box.setAttribute("aria-busy", "false");
      return Promise.resolve();
    }
    say("正在搜索…");
    box.setAttribute("aria-busy", "true");
    return engine().then(function (pf) {
      return pf.search(query, { filters: chosenFilters() });
    }).then(function (search) {
      if (serial !== state.serial) return;
      state.results = search.results;
      state.shown = 0;
      renderFilters(search.totalFilters || search.filters);
      var n = search.results.length;
      return showMore().then(function () {  // the count is shown once the first results are on screen
        if (serial !== state.serial) return;
        say(n ? "找到 " + n + " 条与「" + query + "」相关的结果" : "没有找到与「" + query + "」相关的结果");
        box.setAttribute("aria-busy", "false");
      });
    }).catch(function () {
      if (serial !== state.serial) return;
      box.setAttribute("aria-busy", "false");
      say(window.location.protocol === "file:"
        ? "从本地磁盘打开网站时无法使用全文搜索（浏览器不允许读取搜索索引）。请通过网站服务器访问，或直接浏览整改任务、信访举报和销号公示栏目。"
        : "搜索索引未能加载，请稍后刷新页面重试，或直接浏览整改任务、信访举报和销号公示栏目。");
    });
  }

  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      if (input.value.trim() !== state.query) run(input.value);  // typing back the same words changes nothing
    }, 250);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    remember();
    run(input.value);
  });
  more.addEventListener("click", function () { showMore(); });

  function remember() {
    var url = new URL(window.location.href);
    if (input.value.trim()) url.searchParams.set("q", input.value.trim()); else url.searchParams.delete("q");
    if (select) url.searchParams.set("scope", select.value);
    window.history.replaceState(null, "", url.toString());
  }

  if (select) {
    var wanted = params.get("scope");
    for (var i = 0; wanted && i < select.options.length; i++) {
      if (select.options[i].value === wanted) select.selectedIndex = i;
    }
    select.addEventListener("change", function () {
      state.selected = {};
      remember();
      run(input.value);
    });
  }
  var q = params.get("q");
  if (q) {
    input.value = q;
    var header = document.getElementById("site-search-q");
    if (header) header.value = q;
  }
  run(q);
})();
