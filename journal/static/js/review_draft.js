// Saves the review being written as a draft: a few seconds after the reviewer stops
// typing, and when they leave the page. Without JavaScript the "Save the draft" button
// does the same.
(function () {
  "use strict";
  var script = document.currentScript;
  var form = document.getElementById("review-form");
  if (!form || !window.fetch) return;
  var url = form.getAttribute("data-draft-url");
  var status = form.querySelector(".draft-status");
  var timer = null;
  var dirty = false;

  function data() {
    var body = new FormData(form);
    body.delete("attachment");
    return body;
  }

  function save() {
    timer = null;
    if (!dirty) return;
    dirty = false;
    fetch(url, { method: "POST", body: data(), credentials: "same-origin" }).then(
      function (response) {
        if (!response.ok) throw new Error(response.status);
        var time = new Date().toLocaleTimeString(document.documentElement.lang, {
          hour: "2-digit",
          minute: "2-digit",
        });
        status.textContent = script.getAttribute("data-saved").replace("__TIME__", time);
      }
    ).catch(function () {
      dirty = true;
      status.textContent = script.getAttribute("data-failed");
    });
  }

  function changed() {
    dirty = true;
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, 2000);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function () {
    dirty = false;
    if (timer) clearTimeout(timer);
  });
  function leave() {
    if (dirty && navigator.sendBeacon) {
      navigator.sendBeacon(url, data());
      dirty = false;
    }
  }
  window.addEventListener("pagehide", leave);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") leave();
  });
})();
