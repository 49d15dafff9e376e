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
  // Accessible forms: put the focus on the first field with an error.
  var first = document.querySelector(".has-error input, .has-error select, .has-error textarea");
  if (first) { first.focus(); }
});
