/* Look-up by complaint reference number. Independent of the full-text index: the site publishes
   lookup/<last two characters>.json files mapping each reference number to its page. When that file
   cannot be read (blocked, too slow, a network error, the site opened from disk), a well-formed number
   goes straight to complaints/<number>/, where its page is if it exists: only a file that was read and
   lacks the number says 没有找到. Without JavaScript the form goes to the look-up index (lookup/);
   a ?ref= in the address (that form, submitted before this script ran) is looked up on arrival.

   The number is normalized as the build normalizes it (generator/markup.normalize_ref: NFKC, every
   character Python counts as white space removed, upper case) and checked against the ids' rule
   (generator/load/schema.ID_RE, at most MAX_ID characters); the shard is named as urls.lookup_shard names
   it, and the page without the shard is urls.complaint of the normalized number: the build names a
   complaint's page by its ref as written, which is that same string for every ref written in the normal
   (upper-case) form.

   Every message comes from the page (<template class="lookup-text"> in theme/templates/_search.html), so
   the 繁體 reading of a page (zh-hant/, converted by generator/render/hant.py) says it in 繁體; there the
   number's page is the zh-hant/ one. Messages are set with textContent: the typed number stays text. */
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="portal-root"]');
  var root = new URL(meta ? meta.content : "./", window.location.href);
  var pages = document.documentElement.lang === "zh-Hant" ? new URL("zh-hant/", root) : root;  // the 繁體 reading's pages
  var fromDisk = window.location.protocol === "file:";
  var WAIT_MS = 8000;
  var MAX_ID = 64;
  // what Python's str.split() splits on (normalize_ref), after NFKC has made the other spaces U+0020
  var SPACE = /[\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/g;

  /* The page's words: words("checking", {ref: "…"}) fills {ref} of the text named "checking". */
  var words = window.portalWords(document.querySelector("template.lookup-text"));

  function normalize(text) {
    return text.normalize("NFKC").replace(SPACE, "").toUpperCase();
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
    if (ref.length > MAX_ID || !/^[A-Z0-9-]+$/.test(ref)) {
      say(out, [words("invalid", { typed: input.value.trim() }), words("hint")]);
      return;
    }
    say(out, [words("checking", { ref: ref })]);
    shard(ref).then(function (map) {
      if (map === null) {
        var page = inside("complaints/" + encodeURIComponent(ref) + "/");
        say(out, [words(fromDisk ? "unread-disk" : "unread", { ref: ref })]);
        if (page) window.location.href = page;
        return;
      }
      var target = Object.prototype.hasOwnProperty.call(map, ref) ? inside(map[ref]) : null;
      if (target) {
        window.location.href = target;
      } else {
        say(out, [words("missing", { ref: ref }), words("hint") + words("recent")]);
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
    note.textContent = words("search-offline");
    search.parentNode.insertBefore(note, search);
  }
})();
