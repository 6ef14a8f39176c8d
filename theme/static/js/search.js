/* The search page: the portal's own search interface over Pagefind's JavaScript API (pagefind.js).

   Everything shown here comes from content (titles, excerpts, region names in the filters), so this
   script builds the page with createElement and textContent only: no string from the index is ever
   parsed as HTML. (Pagefind's bundled UI renders filter values as HTML, which let markup in a region
   name run on this page; it is not used.) Excerpts arrive as text with <mark> around the matched
   words: they are split on those two tags and every piece becomes a text node.

   The page (search.html) gives the form, the words this script says (<template id="search-text">) and the
   order of every filter's values (<template id="search-order">, made by generator/render/search_assets.py),
   so the 繁體 reading of the page (zh-hant/search/) says them in 繁體. There the typed query is converted
   to Simplified with zh-hant/t2s.json (OpenCC's tw2s, longest phrase first) before searching the one
   (Simplified) index, and results link to the 繁體 pages.

   A search that has not answered after the page's data-timeout seconds (15 by default; a Pagefind bundle
   or a fragment that never arrives) stops waiting: the page says so and shows what works without it, the
   look-up by number above and the lists (<template id="search-fallback">); its late answer is dropped and
   the next search loads the bundle afresh.

   Filters: each option shows how many results choosing it gives with the other filters as they are
   (one more search per filter in use); options that would give none are not shown. Their indexes are
   loaded only when a reader opens a filter (or the address already chooses one): a city's are about a
   sixth of what a first search downloads, and most searches never filter (issue 18). The query, the
   scope and the chosen filters are kept in the address (search/?q=…&scope=…&地区=…), so a search can
   be shared and the back button returns to it.

   A large site has several indexes (pagefind/<shard>/, see generator/index/pagefind.py); the 搜索范围
   list picks one scope, whose first bundle is the primary index and the others are merged in (?scope=).
   Each scope gets its own instance of pagefind.js (imported with ?scope=…), so merging one scope's
   indexes never leaks into another's. Result links are made relative to the site root, so the site
   works under any sub-path; a link that would leave the site is not shown. */
(function () {
  "use strict";
  var box = document.getElementById("search");
  if (!box) return;
  var meta = document.querySelector('meta[name="portal-root"]');
  var root = new URL(meta ? meta.content : "../", window.location.href);
  var hant = document.documentElement.lang === "zh-Hant";
  var pagesRoot = hant ? new URL(box.getAttribute("data-hant") || "zh-hant/", root) : root;
  var select = document.getElementById("search-scope");
  var PAGE_SIZE = 10;
  var engines = {};  // scope id → Promise of its pagefind instance
  var filtersOf = {};  // scope id → Promise of its filter indexes, once a reader wanted them
  var attempts = 0;  // bundles given up on: a new import() of the same address would wait on the same request
  var state = { query: "", selected: {}, results: [], shown: 0, serial: 0 };
  var has = function (object, key) { return Object.prototype.hasOwnProperty.call(object, key); };

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* The page's words: words("found", {n: 3, q: "…"}) fills {n} and {q} of the text named "found". */
  var words = window.portalWords(document.getElementById("search-text"));

  /* The filters in order with the label the page gives each (NAMES, LABELS), and each filter's values in order
     with their labels (ORDER), from search/order.json (data-order; on the 繁體 reading its 繁體 copy), fetched
     with the filter indexes: [[name, [[value, label], …]], …], names and values percent-encoded. */
  var NAMES = [], LABELS = {}, ORDER = {};
  var order = document.getElementById("search-order");
  if (order) order.content.querySelectorAll("ul[data-name]").forEach(function (ul) {
    var name = decodeURIComponent(ul.getAttribute("data-name"));
    NAMES.push(name);
    LABELS[name] = ul.getAttribute("data-label") || name;
  });
  var ordered = null;  // Promise: ORDER filled (or left empty: the options are then in code-point order)
  function valuesInOrder() {
    if (!ordered) {
      ordered = fetch(new URL(box.getAttribute("data-order") || "search/order.json", pagesRoot))
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (filters) {
          (Array.isArray(filters) ? filters : []).forEach(function (filter) {
            var name = decodeURIComponent(String(filter[0]));
            ORDER[name] = {};
            (Array.isArray(filter[1]) ? filter[1] : []).forEach(function (pair, i) {
              ORDER[name][decodeURIComponent(String(pair[0]))] = { rank: i, label: String(pair[1]) };
            });
          });
        })
        .catch(function () { ordered = null; });  // options in code-point order; asked again next time
    }
    return ordered;
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
      var again = attempts ? "&again=" + attempts : "";
      engines[s.id] = import(s.paths[0] + "pagefind.js?scope=" + encodeURIComponent(s.id) + again).then(function (pf) {
        return pf.options({ baseUrl: root.pathname, excerptLength: 30 }).then(function () {
          return Promise.all(s.paths.slice(1).map(function (path) { return pf.mergeIndex(path); }));
        }).then(function () { return pf; });
      });
    }
    return engines[s.id];
  }

  /* The filter indexes of the scope, loaded once (searches then report filter counts); ``load`` false: only
     when already loaded or being loaded. Resolves to whether they are. */
  function filterIndexes(pf, load) {
    var id = scope().id;
    if (!filtersOf[id] && load) filtersOf[id] = Promise.all([pf.filters(), valuesInOrder()]);
    return filtersOf[id] ? filtersOf[id].then(function () { return true; }) : Promise.resolve(false);
  }

  /* The 繁體 reading: a query in Traditional characters as the Simplified the index holds. */
  var converter = null;
  function simplified(query) {
    if (!hant) return Promise.resolve(query);
    if (!converter) {
      converter = fetch(new URL(box.getAttribute("data-t2s") || "zh-hant/t2s.json", root))
        .then(function (r) { return r.ok ? r.json() : null; })
        .catch(function () { return null; })  // no table: the query is searched as typed
        .then(t2s);
    }
    return converter.then(function (convert) { return convert(query); });
  }

  function t2s(table) {
    var chars = new Map(), phrases = new Map(), longest = 1;
    var pairs = Array.from((table && table.chars) || "");
    for (var i = 0; i + 1 < pairs.length; i += 2) chars.set(pairs[i], pairs[i + 1]);
    Object.keys((table && table.phrases) || {}).forEach(function (key) {
      phrases.set(key, table.phrases[key]);
      longest = Math.max(longest, Array.from(key).length);
    });
    return function (text) {
      var cs = Array.from(text), out = "";
      for (var at = 0; at < cs.length;) {
        var n = Math.min(longest, cs.length - at);
        while (n > 1 && !phrases.has(cs.slice(at, at + n).join(""))) n--;
        if (n > 1) out += phrases.get(cs.slice(at, at + n).join(""));
        else out += chars.has(cs[at]) ? chars.get(cs[at]) : cs[at];
        at += n;
      }
      return out;
    };
  }

  /* The interface: the page's form, then the filters, a status line, the results and "more". */
  var form = box.querySelector("form.search-form");
  var input = document.getElementById("search-input");
  var header = document.getElementById("site-search-q");
  var filters = el("div", { "class": "search-filters" });
  var message = el("p", { "class": "search-message", role: "status", "aria-live": "polite" });
  var list = el("ol", { "class": "search-results" });
  var more = el("button", { type: "button", "class": "search-more", hidden: "" }, words("more"));
  var instead = el("div", { "class": "search-fallback", hidden: "" });  // what works without the search
  var insteadList = document.getElementById("search-fallback");
  if (insteadList) instead.appendChild(document.importNode(insteadList.content, true));
  instead.querySelectorAll("a[href]").forEach(function (a) { a.setAttribute("href", a.href); });  // absolute, as results are
  form.hidden = false;
  [filters, message, instead, list, more].forEach(function (node) { box.appendChild(node); });

  function say(text, fallback) {
    message.textContent = text;
    instead.hidden = !fallback;
  }

  /* Seconds the page waits for a search (data-timeout on #search). */
  function waitMs() {
    var seconds = parseFloat(box.getAttribute("data-timeout") || "");
    return (seconds > 0 ? seconds : 15) * 1000;
  }

  /* ``promise``, or a rejection with {timeout: true} after waitMs(). */
  function limited(promise) {
    var timer;
    var late = new Promise(function (_, reject) {
      timer = setTimeout(function () { reject({ timeout: true }); }, waitMs());
    });
    return Promise.race([promise, late]).then(function (value) {
      clearTimeout(timer);
      return value;
    }, function (error) {
      clearTimeout(timer);
      throw error;
    });
  }

  /* A search that failed or did not answer: say so, and what works instead. */
  function failed(error) {
    box.setAttribute("aria-busy", "false");
    engines = {};  // the next search loads its bundle afresh
    filtersOf = {};
    attempts++;
    if (error && error.timeout) {
      say(words("timeout", { s: Math.round(waitMs() / 1000) }), true);
    } else {
      say(words(window.location.protocol === "file:" ? "offline" : "failed"), true);
    }
  }

  /* A filter value as written in content: generator/index/pagefind.py (filter_value) percent-encodes %, "
     and \\; ``encoded`` is the value as Pagefind has it. */
  var CODES = { "25": "%", "22": "\"", "5C": "\\" };
  function shown(value) {
    return value.replace(/%(25|22|5C)/g, function (_, code) { return CODES[code]; });
  }
  function encoded(value) {
    return value.replace(/[%"\\]/g, function (c) { return { "%": "%25", "\"": "%22", "\\": "%5C" }[c]; });
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

  /* Only links into this site: same protocol and host as the site root, below its path; on the 繁體
     reading, the same page under zh-hant/. */
  function inside(url) {
    try {
      var target = new URL(url, root);
      if (target.protocol !== root.protocol || target.host !== root.host ||
          target.pathname.indexOf(root.pathname) !== 0) return null;
      return hant ? new URL(target.pathname.slice(root.pathname.length) + target.search + target.hash, pagesRoot).href
        : target.href;
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

  function rank(names, name) {
    var i = names.indexOf(name);
    return i < 0 ? names.length : i;
  }

  function byOrder(name) {
    var known = ORDER[name] || {};
    return function (a, b) {
      var ra = has(known, shown(a)) ? known[shown(a)].rank : Infinity;
      var rb = has(known, shown(b)) ? known[shown(b)].rank : Infinity;
      return ra !== rb ? (ra < rb ? -1 : 1) : (a < b ? -1 : a > b ? 1 : 0);
    };
  }

  /* The filters with their options and counts; with ``counts`` null (the filter indexes not loaded yet) their
     names only: opening one loads them (openFilters). */
  function renderFilters(counts) {
    var open = {};
    filters.querySelectorAll("details[open]").forEach(function (d) { open[d.getAttribute("data-name")] = true; });
    filters.textContent = "";
    if (!counts) {
      var panel0 = el("fieldset", { "class": "search-filter-panel" });
      panel0.appendChild(el("legend", {}, words("filters")));
      NAMES.forEach(function (name) {
        var details = el("details", { "class": "search-filter", "data-name": name });
        details.appendChild(el("summary", { "class": "search-filter-name" }, LABELS[name] || name));
        details.addEventListener("toggle", function () { if (details.open) openFilters(); });
        panel0.appendChild(details);
      });
      if (NAMES.length) filters.appendChild(panel0);
      return;
    }
    var names = Object.keys(counts || {}).sort(function (a, b) {
      return rank(NAMES, a) - rank(NAMES, b) || (a < b ? -1 : a > b ? 1 : 0);
    });
    var panel = el("fieldset", { "class": "search-filter-panel" });
    panel.appendChild(el("legend", {}, words("filters")));
    names.forEach(function (name, i) {
      var values = counts[name] || {};
      var chosen = state.selected[name] || [];
      var choices = Object.keys(values).filter(function (value) {
        return values[value] > 0 || chosen.indexOf(value) >= 0;  // no option that would find nothing
      }).concat(chosen.filter(function (value) { return !has(values, value); })).sort(byOrder(name));
      if (!choices.length) return;
      var label = LABELS[name] || name;
      var details = el("details", { "class": "search-filter", "data-name": name });
      if (open[name] || chosen.length) details.open = true;
      details.appendChild(el("summary", { "class": "search-filter-name" }, label));
      var group = el("fieldset", { "class": "search-filter-group" });
      group.appendChild(el("legend", { "class": "visually-hidden" }, label));
      choices.forEach(function (value, j) {
        var id = "filter-" + i + "-" + j;
        var row = el("div", { "class": "search-filter-value" });
        var check = el("input", { type: "checkbox", id: id });
        check.checked = chosen.indexOf(value) >= 0;
        check.addEventListener("change", function () {
          var now = (state.selected[name] || []).filter(function (v) { return v !== value; });
          if (check.checked) now.push(value);
          state.selected[name] = now;
          remember(true);
          run(state.query);
        });
        var known = ORDER[name] || {};
        var caption = has(known, shown(value)) ? known[shown(value)].label : shown(value);
        row.appendChild(check);
        row.appendChild(el("label", { "for": id, "class": "search-filter-label" }, caption + "（" + (values[value] || 0) + "）"));
        group.appendChild(row);
      });
      details.appendChild(group);
      panel.appendChild(details);
    });
    if (panel.querySelector("details")) filters.appendChild(panel);
  }

  function chosenFilters(without) {
    var out = {};
    Object.keys(state.selected).forEach(function (name) {
      if (name !== without && state.selected[name].length) out[name] = { any: state.selected[name].slice() };
    });
    return out;
  }

  /* What each option gives with the other filters as chosen: a filter in use is counted by a search
     without it (Pagefind counts every value within the results of all the chosen filters). */
  function facetCounts(pf, query, search) {
    var counts = {};
    Object.keys(search.totalFilters || search.filters || {}).forEach(function (name) {
      counts[name] = (search.filters || {})[name] || {};
    });
    var inUse = Object.keys(state.selected).filter(function (name) { return state.selected[name].length; });
    return Promise.all(inUse.map(function (name) {
      return pf.search(query, { filters: chosenFilters(name) }).then(function (other) {
        counts[name] = (other.filters || {})[name] || {};
      });
    })).then(function () { return counts; });
  }

  /* A reader opened a filter: load the filter indexes, count the options for the search shown, show them. */
  /* The search for ``query`` with the chosen filters, and each option's count when the filter indexes are
     loaded (they are loaded when ``load`` or a filter is chosen): {search, counts}, counts null without them. */
  function find(query, load) {
    return Promise.all([engine(), simplified(query)]).then(function (both) {
      var pf = both[0], chosen = chosenFilters();
      return filterIndexes(pf, load || Object.keys(chosen).length > 0).then(function (counted) {
        return pf.search(both[1], { filters: chosen }).then(function (search) {
          if (!counted) return { search: search, counts: null };
          return facetCounts(pf, both[1], search).then(function (counts) { return { search: search, counts: counts }; });
        });
      });
    });
  }

  /* A reader opened a filter: load the filter indexes, count the options for the search shown, show them. */
  function openFilters() {
    var serial = state.serial;
    box.setAttribute("aria-busy", "true");
    return limited(find(state.query, true)).then(function (found) {
      if (serial !== state.serial) return;  // a newer search shows its own filters
      renderFilters(found.counts);
      box.setAttribute("aria-busy", "false");
    }).catch(function (error) {
      if (serial !== state.serial) return;
      state.serial++;
      failed(error);
    });
  }

  function run(typed) {
    var query = (typed || "").trim();
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
    say(words("searching"));
    box.setAttribute("aria-busy", "true");
    return limited(find(query, false).then(function (found) {
      if (serial !== state.serial) return;
      state.results = found.search.results;
      state.shown = 0;
      renderFilters(found.search.results.length ? found.counts : {});  // nothing found: nothing to filter
      return showMore().then(function () { return found.search.results.length; });
    })).then(function (n) {  // the count is shown once the first results are on screen
      if (serial !== state.serial || n === undefined) return;
      say(words(n ? "found" : "none", { n: n, q: query }));
      box.setAttribute("aria-busy", "false");
    }).catch(function (error) {
      if (serial !== state.serial) return;
      state.serial++;  // an answer that comes after all is not shown
      failed(error);
    });
  }

  /* The address: q, scope and one parameter per chosen filter value (as content writes it). */
  function address() {
    var url = new URL(window.location.href);
    var params = url.searchParams;
    ["q", "scope"].concat(NAMES, Object.keys(state.selected)).forEach(function (name) { params.delete(name); });
    if (input.value.trim()) params.set("q", input.value.trim());
    if (select) params.set("scope", select.value);
    Object.keys(state.selected).sort(function (a, b) { return rank(NAMES, a) - rank(NAMES, b); }).forEach(function (name) {
      state.selected[name].slice().sort(byOrder(name)).forEach(function (value) { params.append(name, shown(value)); });
    });
    return url.href;
  }

  function remember(push) {
    var url = address();
    if (url === window.location.href) return;
    if (push) window.history.pushState(null, "", url); else window.history.replaceState(null, "", url);
  }

  function restore() {
    var params = new URLSearchParams(window.location.search);
    var wanted = params.get("scope");
    for (var i = 0; select && wanted && i < select.options.length; i++) {
      if (select.options[i].value === wanted) select.selectedIndex = i;
    }
    state.selected = {};
    NAMES.forEach(function (name) {
      var values = params.getAll(name).filter(Boolean);
      if (values.length) state.selected[name] = values.map(encoded);
    });
    input.value = params.get("q") || "";
    if (header && input.value) header.value = input.value;
    return run(input.value);
  }

  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      if (input.value.trim() === state.query) return;  // typing back the same words changes nothing
      remember(false);
      run(input.value);
    }, 250);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    remember(true);
    run(input.value);
  });
  more.addEventListener("click", function () {
    var serial = state.serial;
    box.setAttribute("aria-busy", "true");
    limited(showMore()).then(function () {
      if (serial === state.serial) box.setAttribute("aria-busy", "false");
    }, function (error) {
      if (serial !== state.serial) return;
      state.serial++;
      failed(error);
    });
  });
  if (select) {
    select.addEventListener("change", function () {
      state.selected = {};
      remember(true);
      run(input.value);
    });
  }
  window.addEventListener("popstate", restore);
  restore();
})();
