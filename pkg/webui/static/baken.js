// Baken: progressive enhancement only. Every page works without this
// script; with it, a button next to each feed URL copies the URL.
(function () {
  "use strict";
  if (!navigator.clipboard) { return; }
  document.querySelectorAll("[data-copy]").forEach(function (field) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy";
    button.textContent = "Kopieer";
    button.setAttribute("aria-label", "Kopieer " + (field.getAttribute("data-copy") || "de link"));
    var status = document.createElement("span");
    status.className = "copied";
    status.setAttribute("role", "status");
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value || field.textContent).then(function () {
        status.textContent = "Gekopieerd";
      }, function () {
        status.textContent = "Kopiëren lukte niet: selecteer de link";
      });
    });
    field.insertAdjacentElement("afterend", status);
    field.insertAdjacentElement("afterend", button);
  });
})();
