// portintel: small progressive enhancements; every page works without them.
// No inline scripts anywhere (the Content-Security-Policy forbids them).
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Grading pickers: show the definition of the chosen code under the select.
  function showDefinition(select) {
    var target = document.getElementById(select.getAttribute("data-definition-target"));
    if (!target) { return; }
    var option = select.options[select.selectedIndex];
    target.textContent = option ? (option.getAttribute("data-definition") || "") : "";
  }

  // Handling picker: the conditions field matters only for codes that need conditions.
  function toggleConditions(select) {
    var box = document.getElementById(select.getAttribute("data-conditions-target"));
    if (!box) { return; }
    var option = select.options[select.selectedIndex];
    var needed = option && option.getAttribute("data-needs-conditions") === "true";
    box.hidden = !needed;
    var input = box.querySelector("textarea, input");
    if (input) { input.required = needed; }
  }

  // Forms that ask before doing something irreversible.
  function confirmSubmit(event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-definition-target]").forEach(function (select) {
      showDefinition(select);
      select.addEventListener("change", function () { showDefinition(select); });
    });
    document.querySelectorAll("select[data-conditions-target]").forEach(function (select) {
      toggleConditions(select);
      select.addEventListener("change", function () { toggleConditions(select); });
    });
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", confirmSubmit);
    });
  });
})();
