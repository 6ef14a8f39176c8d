/* The search page: Pagefind's UI in Chinese, started with ?q= from the header form.
   Result links are made relative to the site root, so the site works under any sub-path. */
(function () {
  "use strict";
  var box = document.getElementById("search");
  if (!box || typeof PagefindUI === "undefined") return;
  var meta = document.querySelector('meta[name="portal-root"]');
  var root = new URL(meta ? meta.content : "../", window.location.href);
  var ui = new PagefindUI({
    element: "#search",
    bundlePath: new URL("pagefind/", root).pathname,
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
  var q = new URLSearchParams(window.location.search).get("q");
  if (q) {
    ui.triggerSearch(q);
    var header = document.getElementById("site-search-q");
    if (header) header.value = q;
  }
})();
