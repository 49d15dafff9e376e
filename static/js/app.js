// Small behaviours without inline scripts, so the Content-Security-Policy can forbid them.
document.addEventListener("DOMContentLoaded", function () {
  // Forms that ask before they submit: <form data-confirm="Are you sure?">.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    });
  });
  // Selects that submit their form on change (the portal's organisation switcher).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // "/" focuses the top bar's search box, unless the user is typing somewhere already.
  var search = document.querySelector("input[data-search-shortcut]");
  if (search) {
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      var typing = target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
      if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        search.focus();
      }
    });
  }
  // Accessible forms: put the focus on the first field with an error.
  var first = document.querySelector(".has-error input, .has-error select, .has-error textarea");
  if (first) { first.focus(); }
});
