/* Look-up by complaint reference number. Independent of the full-text index: the site publishes
   lookup/<last two characters>.json files mapping each reference number to its page. When that file
   cannot be read (blocked, too slow, a network error, the site opened from disk), a well-formed number
   goes straight to complaints/<number>/, where its page is if it exists: only a file that was read and
   lacks the number says 没有找到. Without JavaScript the form goes to the look-up index (lookup/);
   a ?ref= in the address (that form, submitted before this script ran) is looked up on arrival.
   Every message is static text plus the typed number, set with textContent. */
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="portal-root"]');
  var root = new URL(meta ? meta.content : "./", window.location.href);
  var pages = document.documentElement.lang === "zh-Hant" ? new URL("zh-hant/", root) : root;  // the 繁體 reading's pages
  var fromDisk = window.location.protocol === "file:";
  var WAIT_MS = 8000;
  var HINT = "请核对编号：受理编号印在信访举报受理回执或短信通知上，由字母和数字组成，" +
    "以 D（来电）、X（来信）或 W（网络）开头，例如 D2JC202105070012。";

  function normalize(text) {
    return text.normalize("NFKC").replace(/\s+/g, "").toUpperCase();
  }

  /* Only pages of this site: same protocol and host as the site root, below its path. */
  function inside(path) {
    try {
      var target = new URL(String(path), pages);
      if (target.protocol !== root.protocol || target.host !== root.host ||
          target.pathname.indexOf(root.pathname) !== 0) return null;
      if (fromDisk && /\/$/.test(target.pathname)) target.pathname += "index.html";  // no folder pages on disk
      return target.href;
    } catch (e) {
      return null;
    }
  }

  function say(out, lines) {
    out.textContent = "";
    lines.forEach(function (line) {
      var p = document.createElement("p");
      p.textContent = line;
      out.appendChild(p);
    });
    out.hidden = false;
  }

  /* The shard for ``ref``: its mapping, {} when the site has none (404: no number ends so), or null
     when it could not be read. */
  function shard(ref) {
    if (fromDisk || !window.fetch) return Promise.resolve(null);  // browsers do not let pages read files from disk
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, WAIT_MS) : null;
    var url = new URL("lookup/" + ref.slice(-2).toLowerCase() + ".json", root);
    return fetch(url, controller ? { signal: controller.signal } : {})
      .then(function (r) {
        if (r.status === 404) return {};
        if (!r.ok) throw new Error(String(r.status));
        return r.json();
      })
      .then(function (map) { return map && typeof map === "object" ? map : null; })
      .catch(function () { return null; })
      .then(function (map) { clearTimeout(timer); return map; });
  }

  function lookUp(input, out) {
    var ref = normalize(input.value);
    if (!/^[A-Z0-9][A-Z0-9-]+$/.test(ref)) {
      say(out, ["「" + input.value.trim() + "」不是受理编号。", HINT]);
      return;
    }
    say(out, ["正在查询受理编号「" + ref + "」…"]);
    shard(ref).then(function (map) {
      if (map === null) {
        var page = inside("complaints/" + encodeURIComponent(ref) + "/");
        say(out, ["未能读取编号索引" + (fromDisk ? "（从本地磁盘打开时浏览器不允许读取）" : "（网络错误或被拦截）") +
                  "，正在直接打开受理编号「" + ref + "」的页面。如果该页面不存在，请核对编号，" +
                  "或在信访举报栏目按批次、按地区查找。"]);
        if (page) window.location.href = page;
        return;
      }
      var target = Object.prototype.hasOwnProperty.call(map, ref) ? inside(map[ref]) : null;
      if (target) {
        window.location.href = target;
      } else {
        say(out, ["没有找到受理编号为「" + ref + "」的信访举报。",
                  HINT + "刚交办的信访举报可能尚未公开，也可以在信访举报栏目按批次或地区查找。"]);
      }
    });
  }

  var pending = new URLSearchParams(window.location.search).get("ref");
  document.querySelectorAll("form.ref-lookup").forEach(function (form, i) {
    var input = form.querySelector('input[name="ref"]');
    var out = form.querySelector(".lookup-message");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      lookUp(input, out);
    });
    if (i === 0 && pending && pending.trim()) {
      input.value = pending;
      lookUp(input, out);
    }
  });

  /* The search page opened from disk: full-text search cannot load its index there; say so at once. */
  var search = document.getElementById("search");
  if (fromDisk && search && search.parentNode) {
    var note = document.createElement("p");
    note.className = "notice-box search-offline";
    note.setAttribute("role", "note");
    note.textContent = "本网站是从本地磁盘打开的：浏览器不允许网页读取磁盘上的搜索索引，因此全文搜索无法使用。" +
      "按受理编号查询信访举报（本页上方）仍可使用，也可以直接浏览整改任务、信访举报和销号公示栏目；" +
      "要使用全文搜索，请通过网站服务器访问本站。";
    search.parentNode.insertBefore(note, search);
  }
})();
