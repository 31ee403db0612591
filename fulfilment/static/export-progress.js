/* An export job's page: move the progress bar while the worker writes the file, and show the
   finished page (the download, or why it failed) as soon as the job ends. Without JavaScript the
   page's "Check again" link does the same by hand. */
(function () {
  "use strict";

  var box = document.querySelector("[data-progress-url]");
  if (!box) { return; }
  var url = box.getAttribute("data-progress-url");
  var rowsText = box.getAttribute("data-rows-text");
  var bar = box.querySelector("progress");
  var text = box.querySelector("#export-progress-text");
  var language = document.documentElement.lang || undefined;
  var delay = 1000;

  function number(value) { return Number(value).toLocaleString(language); }

  function show(job) {
    if (job.status === "done" || job.status === "failed") {
      window.location.reload();
      return false;
    }
    if (job.percent !== null) {
      bar.value = job.percent;
      bar.textContent = job.percent + "%";
    }
    if (job.rows_total !== null) {
      text.textContent = rowsText.replace("%(written)s", number(job.rows_written)).replace("%(total)s", number(job.rows_total));
    }
    return true;
  }

  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) {
        if (job && show(job)) {
          delay = Math.min(delay * 1.5, 5000);
          window.setTimeout(poll, delay);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  window.setTimeout(poll, delay);
}());
