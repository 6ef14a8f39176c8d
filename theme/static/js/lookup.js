/* Look-up by complaint reference number. Independent of the full-text index: the site publishes
   lookup/<last two characters>.json files mapping each reference number to its page. */
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="portal-root"]');
  var root = new URL(meta ? meta.content : "./", window.location.href);

  function normalize(text) {
    return text.normalize("NFKC").replace(/\s+/g, "").toUpperCase();
  }

  /* Only pages of this site: same protocol and host as the site root, below its path. */
  function inside(path) {
    try {
      var target = new URL(String(path), root);
      return target.protocol === root.protocol && target.host === root.host &&
        target.pathname.indexOf(root.pathname) === 0 ? target.href : null;
    } catch (e) {
      return null;
    }
  }

  function notFound(out, ref) {
    out.textContent = "";
    var p = document.createElement("p");
    p.textContent = "没有找到受理编号为「" + ref + "」的信访举报。";
    var hint = document.createElement("p");
    hint.textContent = "请核对编号：受理编号印在信访举报受理回执或短信通知上，由字母和数字组成，" +
      "以 D（来电）、X（来信）或 W（网络）开头，例如 D2JC202105070012。" +
      "刚交办的信访举报可能尚未公开，也可以在信访举报栏目按批次或地区查找。";
    out.appendChild(p);
    out.appendChild(hint);
    out.hidden = false;
  }

  document.querySelectorAll("form.ref-lookup").forEach(function (form) {
    var input = form.querySelector('input[name="ref"]');
    var out = form.querySelector(".lookup-message");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var ref = normalize(input.value);
      if (!/^[A-Z0-9-]{2,}$/.test(ref)) {
        notFound(out, input.value.trim());
        return;
      }
      var shard = new URL("lookup/" + ref.slice(-2).toLowerCase() + ".json", root);
      fetch(shard).then(function (r) { return r.ok ? r.json() : {}; })
        .catch(function () { return {}; })
        .then(function (map) {
          var target = Object.prototype.hasOwnProperty.call(map, ref) ? inside(map[ref]) : null;
          if (target) {
            window.location.href = target;
          } else {
            notFound(out, ref);
          }
        });
    });
  });
})();
