/* A job's page (an export's, an Excel import's): move the progress bar while the worker works,
   and show the finished page (the download or the order, or why it failed) as soon as the job
   ends. Without JavaScript the page's "Check again" link does the same by hand. An export's
   progress counts rows (data-rows-text); an import's says its step in words (job.text). */
(function () {
  "use strict";

  var box = document.querySelector("[data-progress-url]");
  if (!box) { return; }
  var url = box.getAttribute("data-progress-url");
  var rowsText = box.getAttribute("data-rows-text");
  var bar = box.querySelector("progress");
  var text = box.querySelector("[aria-live]");
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
    if (typeof job.text === "string") {
      if (job.text) { text.textContent = job.text; }
    } else if (job.rows_total !== null) {
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
