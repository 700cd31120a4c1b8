/* Mekong Delta Journal widget for provincial web sites.
 *
 *   <div id="mdj-articles"></div>
 *   <script src="https://JOURNAL/static/js/widget.js" data-province="CT" data-lang="vi"
 *           data-count="5" data-target="mdj-articles" async></script>
 *
 * Fetches the province's latest articles from the journal's JSON API and renders them as a
 * list. Every text goes in with textContent: nothing from the API becomes markup.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var base = new URL(script.src).origin;
  var province = (script.getAttribute("data-province") || "").replace(/[^A-Za-z]/g, "").slice(0, 8);
  var lang = script.getAttribute("data-lang") === "en" ? "en" : "vi";
  var count = parseInt(script.getAttribute("data-count") || "5", 10);
  if (!(count >= 1)) { count = 5; }
  count = Math.min(count, 20);
  var targetId = script.getAttribute("data-target") || "mdj-articles";
  var target = document.getElementById(targetId);
  if (!target) {
    target = document.createElement("div");
    script.parentNode.insertBefore(target, script);
  }
  var url = base + "/api/v1/articles?province=" + encodeURIComponent(province) +
            "&limit=" + count + "&lang=" + lang;
  fetch(url, { credentials: "omit" })
    .then(function (response) { return response.ok ? response.json() : { data: [] }; })
    .then(function (body) {
      var list = document.createElement("ol");
      list.className = "mdj-widget-list";
      (body.data || []).forEach(function (article) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        var title = (article.title && (article.title[lang] || article.title[article.language])) || "";
        link.textContent = title;
        link.href = /^https?:\/\//.test(article.url) ? article.url : base;
        link.target = "_blank";
        link.rel = "noopener";
        link.lang = article.title && article.title[lang] ? lang : article.language;
        item.appendChild(link);
        var meta = document.createElement("span");
        meta.className = "mdj-widget-meta";
        var names = (article.authors || []).map(function (a) { return a.name; }).join(", ");
        meta.textContent = " " + names + " · " + (article.published || "").slice(0, 10);
        item.appendChild(meta);
        list.appendChild(item);
      });
      target.textContent = "";
      target.appendChild(list);
    })
    .catch(function () { /* the host page stays as it was */ });
}());
