/*
 * Concept report progress: polls the status URL of the report page and updates the
 * progress bar, the current step (announced through the page's live region) and, at the
 * end, shows the download links or the error. Without JavaScript the page offers an
 * "Aktualisieren" link instead.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-report-status-url]");
  if (!root || !window.fetch || root.getAttribute("data-report-polling") !== "on") {
    return;
  }
  var statusUrl = root.getAttribute("data-report-status-url");
  var interval = 2000;
  var maxFailures = 5;
  var failures = 0;

  function all(selector) {
    return Array.prototype.slice.call(root.querySelectorAll(selector));
  }
  function setText(selector, text) {
    all(selector).forEach(function (element) {
      if (element.textContent !== text) {
        element.textContent = text;
      }
    });
  }
  function show(selector, visible) {
    all(selector).forEach(function (element) {
      element.hidden = !visible;
    });
  }

  function update(status) {
    var active = status.state === "queued" || status.state === "running";
    setText("[data-report-state]", status.state_label || status.state);
    setText("[data-report-step]", status.step || "");
    setText("[data-report-percent]", String(status.progress));
    all("[data-report-progress]").forEach(function (bar) {
      bar.value = status.progress;
      bar.textContent = status.progress + " %";
    });
    if (status.state === "failed") {
      setText("[data-report-error]", status.error || "");
    }
    show("[data-report-active]", active);
    show("[data-report-done]", status.state === "done");
    show("[data-report-failed]", status.state === "failed");
    return active;
  }

  function poll() {
    fetch(statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (status) {
        failures = 0;
        if (update(status)) {
          window.setTimeout(poll, interval);
        }
      })
      .catch(function () {
        failures += 1;
        if (failures >= maxFailures) {
          show("[data-report-refresh]", true);  // give up quietly: the link still works
          return;
        }
        window.setTimeout(poll, interval * (failures + 1));
      });
  }

  show("[data-report-refresh]", false);
  window.setTimeout(poll, interval);
})();
