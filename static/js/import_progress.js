/*
 * Event import progress: polls the status URL of the progress page, updates the live region
 * and the progress bar, and once the import has finished loads the page again, which then shows
 * the result (the drafts or the list of problems). Without JavaScript the page offers an
 * "Aktualisieren" link instead.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-import-status-url]");
  if (!root || !window.fetch) {
    return;
  }
  var statusUrl = root.getAttribute("data-import-status-url");
  var pageUrl = root.getAttribute("data-import-page-url");
  var interval = 1500;
  var maxFailures = 5;
  var failures = 0;

  function setText(selector, text) {
    var element = root.querySelector(selector);
    if (element && element.textContent !== text) {
      element.textContent = text;
    }
  }

  function update(status) {
    setText("[data-import-state]", status.state_label || status.state);
    setText("[data-import-text]", status.text || "");
    var bar = root.querySelector("[data-import-progress]");
    if (bar) {
      bar.value = status.progress;
      bar.textContent = status.progress + " %";
    }
    return status.state === "queued" || status.state === "running";
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
        } else {
          window.location.assign(pageUrl);  // the result page
        }
      })
      .catch(function () {
        failures += 1;
        var refresh = root.querySelector("[data-import-refresh]");
        if (failures >= maxFailures) {
          if (refresh) {
            refresh.hidden = false;  // give up quietly: the link still works
          }
          return;
        }
        window.setTimeout(poll, interval * (failures + 1));
      });
  }

  var refresh = root.querySelector("[data-import-refresh]");
  if (refresh) {
    refresh.hidden = true;
  }
  window.setTimeout(poll, interval);
})();
