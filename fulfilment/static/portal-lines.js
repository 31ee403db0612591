/* Product rows in portal forms: typing searches the client's own products, "More lines" adds a row.
   Without JavaScript the same form works with typed product codes and a server-side "More lines". */
(function () {
  "use strict";

  function setUp(container) {
    var url = container.getAttribute("data-lookup-url");
    var options = container.querySelector("datalist");
    var found = {};  // product code -> product, from the latest searches

    function rowOf(input) { return input.closest(".line-row"); }

    function describe(row, product) {
      var hint = row.querySelector(".line-hint");
      if (hint) {
        hint.textContent = product ? product.name + " · " + product.free + " free" : "";
      }
    }

    function choose(input) {
      var row = rowOf(input);
      var product = found[input.value.trim()];
      row.querySelector("input[type=hidden][name$='-product_id']").value = product ? product.id : "";
      describe(row, product);
    }

    function lookup(input) {
      var text = input.value.trim();
      if (!text) { return; }
      fetch(url + "?q=" + encodeURIComponent(text), {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : {products: []}; })
        .then(function (data) {
          options.innerHTML = "";
          data.products.forEach(function (product) {
            found[product.code] = product;
            var option = document.createElement("option");
            option.value = product.code;
            option.label = product.name + " (" + product.free + " free)";
            options.appendChild(option);
          });
          choose(input);
        })
        .catch(function () { /* no search now; typed codes still work */ });
    }

    // Search once the typing pauses (per row, so rows filled in quick succession all get theirs).
    function search(input) {
      clearTimeout(input.searchTimer);
      input.searchTimer = setTimeout(function () { lookup(input); }, 200);
    }

    container.addEventListener("input", function (event) {
      var input = event.target;
      if (!input.hasAttribute("data-product-search")) { return; }
      choose(input);
      search(input);
    });

    // Codes typed before this script ran (or restored by the browser) are looked up too.
    container.querySelectorAll("[data-product-search]").forEach(function (input) {
      var id = rowOf(input).querySelector("input[type=hidden][name$='-product_id']");
      if (input.value.trim() && !id.value) { search(input); }
    });

    var more = container.querySelector("[data-add-line]");
    if (more) {
      more.textContent = "Add a line";
      more.addEventListener("click", function (event) {
        event.preventDefault();
        var rows = container.querySelectorAll(".line-row");
        var last = rows[rows.length - 1];
        var copy = last.cloneNode(true);
        var index = rows.length;
        copy.querySelectorAll("input").forEach(function (input) {
          input.name = input.name.replace(/-\d+-/, "-" + index + "-");
          if (input.id) { input.id = input.id.replace(/-\d+-/, "-" + index + "-"); }
          input.value = "";
          input.classList.remove("is-invalid");
        });
        copy.querySelectorAll("label").forEach(function (label) {
          label.htmlFor = label.htmlFor.replace(/-\d+-/, "-" + index + "-");
        });
        copy.querySelectorAll(".invalid-feedback").forEach(function (node) { node.remove(); });
        describe(copy, null);
        last.parentNode.insertBefore(copy, last.nextSibling);
        copy.querySelector("[data-product-search]").focus();
      });
    }
  }

  document.querySelectorAll(".line-rows[data-lookup-url]").forEach(setUp);

  // One click is enough: a second click while the first submit is on its way would not help.
  document.querySelectorAll("form[data-confirm-import], form[data-order-form]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (button && button.name !== "more_lines") {
        setTimeout(function () { button.disabled = true; }, 0);
      }
    });
  });
}());
