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
  // Keyboard shortcuts (issue 16); templates/staff/_shortcuts.html lists them for the user.
  // None fires while the user types in a field, with Ctrl/Alt/Meta held, or with the help open.
  var search = document.querySelector("input[data-search-shortcut]");
  var help = document.getElementById("shortcuts");
  var LIST_KEY = "shortcuts-task-list";  // the rows of the list a task was opened from
  function typing(target) {
    if (target.isContentEditable || /^(TEXTAREA|SELECT)$/.test(target.tagName)) { return true; }
    return target.tagName === "INPUT" && !/^(checkbox|radio|button|submit|reset)$/.test(target.type);
  }
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("table.list tbody tr")); }
  function rowLink(row) { return row && row.querySelector("a[href]"); }
  function currentRow() { return document.querySelector("table.list tbody tr.is-kbd-current"); }
  function rememberList() {
    var links = rows().map(rowLink).filter(Boolean).map(function (link) { return link.pathname; });
    try {
      window.sessionStorage.setItem(LIST_KEY, JSON.stringify({url: window.location.href, items: links}));
    } catch (error) { /* storage off: j/k on a task page just do nothing */ }
  }
  function rememberedList() {
    try { return JSON.parse(window.sessionStorage.getItem(LIST_KEY) || "null"); } catch (error) { return null; }
  }
  function moveRow(step) {
    var all = rows();
    if (!all.length) { return false; }
    var index = all.indexOf(currentRow());
    var next = all[index < 0 ? 0 : Math.min(Math.max(index + step, 0), all.length - 1)];
    all.forEach(function (row) { row.classList.remove("is-kbd-current"); row.removeAttribute("aria-current"); });
    next.classList.add("is-kbd-current");
    next.setAttribute("aria-current", "true");
    var link = rowLink(next);
    if (link) { link.focus({preventScroll: true}); }
    next.scrollIntoView({block: "nearest"});
    return true;
  }
  function openRow() {
    var link = rowLink(currentRow());
    if (!link) { return false; }
    rememberList();
    window.location.href = link.href;
    return true;
  }
  function toggleRow() {
    var box = currentRow() && currentRow().querySelector("input[type=checkbox]");
    if (!box) { return false; }
    box.click();  // as a click would: the bulk form hears the change
    return true;
  }
  function compose(kind) {
    var form = document.querySelector("form[data-shortcut=compose]");
    if (!form) { return false; }
    var choice = form.querySelector("input[name=kind][value=" + kind + "]");
    if (choice) { choice.checked = true; choice.dispatchEvent(new Event("change", {bubbles: true})); }
    var body = form.querySelector("textarea");
    if (body) { body.focus(); body.scrollIntoView({block: "center"}); }
    return true;
  }
  function take() {
    var form = document.querySelector("form[data-shortcut=take]");
    if (!form) { return false; }
    form.requestSubmit();
    return true;
  }
  // Leaving a task page by a shortcut asks first when the reply box holds unsent text.
  function mayLeave() {
    var body = document.querySelector("form[data-shortcut=compose] textarea");
    return !body || !body.value.trim() || window.confirm(help ? help.dataset.leaveDraft : "");
  }
  // On a task page: the next or previous row of the list the task was opened from.
  function siblingTask(step) {
    if (!document.querySelector("[data-shortcut=up]")) { return false; }
    var list = rememberedList();
    var index = list ? list.items.indexOf(window.location.pathname) : -1;
    var target = index < 0 ? null : list.items[index + step];
    if (!target || !mayLeave()) { return false; }
    window.location.href = target;
    return true;
  }
  function up() {
    var link = document.querySelector("a[data-shortcut=up]");
    if (!link || !mayLeave()) { return false; }
    var list = rememberedList();
    window.location.href = list && list.items.indexOf(window.location.pathname) >= 0 ? list.url : link.href;
    return true;
  }
  function showHelp() {
    if (!help || help.open) { return false; }
    help.showModal();
    return true;
  }
  document.querySelectorAll("[data-shortcuts-open]").forEach(function (button) {
    button.addEventListener("click", showHelp);
  });
  // A row opened by mouse remembers its list as well, for j/k on the task page.
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("table.list tbody a[href]")) { rememberList(); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    if (help && help.open) { return; }  // the dialog handles Escape itself
    var onList = rows().length > 0;
    var onControl = /^(A|BUTTON)$/.test(event.target.tagName);
    var handled = false;
    switch (event.key) {
      case "/": if (search) { search.focus(); handled = true; } break;
      case "?": handled = showHelp(); break;
      case "j": handled = onList ? moveRow(1) : siblingTask(1); break;
      case "k": handled = onList ? moveRow(-1) : siblingTask(-1); break;
      case "o": handled = openRow(); break;
      // Enter on a focused link or button does what it always does (a highlighted row's link has the focus).
      case "Enter": if (onControl) { if (currentRow()) { rememberList(); } } else { handled = openRow(); } break;
      case "x": handled = toggleRow(); break;
      case "r": handled = compose("reply"); break;
      case "n": handled = compose("note"); break;
      case "a": handled = take(); break;
      case "u": handled = up(); break;
    }
    if (handled) { event.preventDefault(); }
  });
  // Accessible forms: put the focus on the first field with an error.
  var first = document.querySelector(".has-error input, .has-error select, .has-error textarea");
  if (first) { first.focus(); }
});

/* --- bulk actions (templates/tasks/_bulk_form.html) --- */
// Shows only the fields the chosen action needs; without JavaScript every field shows and the
// server ignores those the action does not use.
(function () {
  function showFieldsFor(form) {
    var select = form.querySelector("select[name=action]");
    var action = select ? select.value : "";
    form.querySelectorAll("[data-bulk-for]").forEach(function (field) {
      field.hidden = field.getAttribute("data-bulk-for").split(" ").indexOf(action) === -1;
    });
  }
  function setUp(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("form[data-bulk-form]").forEach(showFieldsFor);
  }
  document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  // The list's results (with the form) are swapped in by htmx when the filters change.
  document.addEventListener("htmx:afterSwap", function (event) { setUp(event.target); });
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.name === "action" && target.form && target.form.hasAttribute("data-bulk-form")) {
      showFieldsFor(target.form);
    }
  });
})();
/* --- end bulk actions --- */

// --- Task list: select every row of the page; the move form takes the ticked rows with it ---
document.addEventListener("change", function (event) {
  var all = event.target.closest("input[data-select-all]");
  if (!all) return;
  document.querySelectorAll('input[name="' + all.dataset.selectAll + '"]').forEach(function (box) {
    box.checked = all.checked;
  });
});
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.id !== "move-form") return;
  // The row checkboxes belong to the bulk form (form="bulk-form"): copy the ticked ones here.
  form.querySelectorAll("input[data-copied-selection]").forEach(function (input) { input.remove(); });
  document.querySelectorAll('input[name="task_ids"][form="bulk-form"]:checked').forEach(function (box) {
    var copy = document.createElement("input");
    copy.type = "hidden";
    copy.name = "task_ids";
    copy.value = box.value;
    copy.dataset.copiedSelection = "";
    form.appendChild(copy);
  });
});

/* --- Phones (issue 18): the header's menu button (templates/staff/_topbar.html, portal/base.html) --- */
// Without JavaScript the button is a link to the folded panel, which CSS shows as the #target.
// Here it becomes a toggle: a button for assistive technology, with aria-expanded, Enter and Space.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-menu-toggle]").forEach(function (toggle) {
    var panel = document.getElementById(toggle.getAttribute("aria-controls"));
    if (!panel) { return; }
    var open = panel.matches(":target");
    function show(expanded) {
      open = expanded;
      panel.classList.toggle("is-open", expanded);
      toggle.setAttribute("aria-expanded", expanded ? "true" : "false");
    }
    panel.classList.add("menu-enhanced");
    toggle.setAttribute("role", "button");
    show(open);
    toggle.addEventListener("click", function (event) {
      event.preventDefault();
      show(!open);
    });
    toggle.addEventListener("keydown", function (event) {
      if (event.key === " ") { event.preventDefault(); show(!open); }
    });
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && open) { show(false); toggle.focus(); }
    });
  });
});
/* --- end phones --- */
