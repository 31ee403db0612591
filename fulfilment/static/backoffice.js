/* Back-office behaviour that Flask-Admin's own templates put in inline handlers and javascript:
   links, which our Content-Security-Policy refuses (see fulfilment/security_headers.py):
   - a form with data-confirm asks before it is sent (record actions, deleting a row);
   - a "With selected" entry (data-list-action) runs that list action on the ticked rows;
   - a link to "#" (a dropdown toggle, a filter name) does not navigate. */
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  // Capturing: Flask-Admin's multi-level dropdown script stops clicks on dropdown toggles from
  // bubbling up to the document.
  document.addEventListener("click", function (event) {
    var action = event.target.closest("[data-list-action]");
    if (action) {
      event.preventDefault();
      // Flask-Admin's actions.js: checks that rows are ticked, asks the action's confirmation, posts.
      window.modelActions.execute(action.getAttribute("data-list-action"));
      return;
    }
    if (event.target.closest("a[href='#']")) {
      event.preventDefault();
    }
  }, true);
}());
