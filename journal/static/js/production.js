/* The production page: follow the typesetting runs without reloading.
 *
 * While a run is queued or running, the page asks the status endpoint (JSON) every second
 * and updates each run's state and steps. When a run finishes (or fails, or is found
 * stopped), the page reloads once to show the new galley version and its previews. Without
 * JavaScript the page refreshes itself (a <noscript> meta refresh) and works the same way.
 */
(function () {
  "use strict";

  var section = document.getElementById("runs");
  if (!section || section.getAttribute("data-active") !== "1" || !window.fetch) {
    return;
  }
  var url = section.getAttribute("data-status-url");
  var INTERVAL = 1000;
  var RETRY = 5000;
  var FINISHED = ["succeeded", "failed", "stale"];

  function updateRun(item, run) {
    var before = item.getAttribute("data-state");
    item.setAttribute("data-state", run.state);
    item.className = "run run-" + run.state;
    var label = item.querySelector(".run-state");
    if (label) {
      label.textContent = run.state_label;
    }
    run.stages.forEach(function (stage) {
      var step = item.querySelector('[data-stage="' + stage.name + '"]');
      if (!step) {
        return;
      }
      step.className = "step-" + stage.state;
      var state = step.querySelector(".step-state");
      if (state) {
        state.textContent = "(" + stage.state_label + ")";
      }
    });
    return before !== run.state && FINISHED.indexOf(run.state) !== -1;
  }

  function update(data) {
    var reload = false;
    data.runs.forEach(function (run) {
      var item = section.querySelector('[data-run-id="' + run.id + '"]');
      if (!item) {
        reload = true; // a run started elsewhere
      } else if (updateRun(item, run)) {
        reload = true;
      }
    });
    if (reload) {
      window.location.reload();
    } else if (data.active) {
      window.setTimeout(poll, INTERVAL);
    }
  }

  function poll() {
    window
      .fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(update)
      .catch(function () {
        window.setTimeout(poll, RETRY);
      });
  }

  window.setTimeout(poll, INTERVAL);
})();
