/* The search page: Pagefind's UI in Chinese, started with ?q= from the header form.
   A large site has several indexes (pagefind/<shard>/, see generator/pagefind.py); the 搜索范围 list
   picks one scope, whose first bundle is the primary index and the others are merged in (?scope=).
   Result links are made relative to the site root, so the site works under any sub-path. */
(function () {
  "use strict";
  var box = document.getElementById("search");
  if (!box || typeof PagefindUI === "undefined") return;
  var meta = document.querySelector('meta[name="portal-root"]');
  var root = new URL(meta ? meta.content : "../", window.location.href);
  var select = document.getElementById("search-scope");
  var params = new URLSearchParams(window.location.search);
  var ui = null;

  function bundles() {
    var option = select ? select.options[select.selectedIndex] : null;
    var names = (option ? option.getAttribute("data-bundles") : box.getAttribute("data-bundles")) || "";
    return names.split(" ").filter(Boolean).map(function (name) {
      return new URL("pagefind/" + name + "/", root).pathname;
    });
  }

  function start(query) {
    if (ui) ui.destroy();
    box.innerHTML = "";
    var paths = bundles();
    ui = new PagefindUI({
      element: "#search",
      bundlePath: paths[0],
      mergeIndex: paths.slice(1).map(function (path) { return { bundlePath: path }; }),
      baseUrl: root.pathname,
      showSubResults: false,
      showImages: false,
      resetStyles: false,
      pageSize: 10,
      translations: {
        placeholder: "输入关键词，例如：垃圾填埋场",
        zero_results: "没有找到与「[SEARCH_TERM]」相关的结果",
        many_results: "找到 [COUNT] 条与「[SEARCH_TERM]」相关的结果",
        one_result: "找到 1 条与「[SEARCH_TERM]」相关的结果",
        filters_label: "筛选",
        load_more: "显示更多结果",
        search_label: "搜索本站",
        clear_search: "清除"
      }
    });
    if (query) ui.triggerSearch(query);
  }

  if (select) {
    var wanted = params.get("scope");
    for (var i = 0; wanted && i < select.options.length; i++) {
      if (select.options[i].value === wanted) select.selectedIndex = i;
    }
    select.addEventListener("change", function () {
      var input = box.querySelector(".pagefind-ui__search-input");
      var query = input ? input.value : "";
      var url = new URL(window.location.href);
      url.searchParams.set("scope", select.value);
      if (query) url.searchParams.set("q", query);
      window.history.replaceState(null, "", url.toString());
      start(query);
    });
  }
  var q = params.get("q");
  start(q);
  if (q) {
    var header = document.getElementById("site-search-q");
    if (header) header.value = q;
  }
})();
