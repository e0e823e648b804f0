// Service desk workspace: live refresh of the queue, bulk selection and
// keyboard shortcuts. No inline script (CSP); the pages work without it.
//
// Shortcuts are generic: any element with data-shortcut="<key>" (or a
// two-key sequence such as "g q") is clicked — links, buttons — or focused —
// fields — when the keys are typed outside a text field. The queue adds
// j / k (move the row selection), Enter (open it) and x (tick it); "?"
// shows the help (desk/partials/shortcuts_help.html).
(function () {
  "use strict";
  if (window.caduceeWorkspace) { return; }
  window.caduceeWorkspace = true;

  var SEQUENCE_MS = 1500;
  var pending = null;
  var pendingAt = 0;
  var currentPk = null;
  var seenBeforeRefresh = null;

  // --- helpers ---------------------------------------------------------------
  function isTyping(el) {
    if (!el || !el.tagName) { return false; }
    if (el.isContentEditable) { return true; }
    var tag = el.tagName.toLowerCase();
    if (tag === "textarea" || tag === "select") { return true; }
    if (tag !== "input") { return false; }
    var type = (el.getAttribute("type") || "text").toLowerCase();
    return ["checkbox", "radio", "button", "submit", "reset"].indexOf(type) === -1;
  }
  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-queue-rows] > tr"));
  }
  function rowChecks() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-queue-rows] input.js-row-check"));
  }
  function ticked() {
    return rowChecks().filter(function (box) { return box.checked; });
  }
  function container() {
    return document.querySelector("[data-live-refresh]");
  }
  function findShortcut(keys) {
    var all = document.querySelectorAll("[data-shortcut]");
    for (var i = 0; i < all.length; i++) {
      if (all[i].getAttribute("data-shortcut") === keys && !all[i].disabled) { return all[i]; }
    }
    return null;
  }
  function isPrefix(key) {
    var all = document.querySelectorAll("[data-shortcut]");
    for (var i = 0; i < all.length; i++) {
      if (all[i].getAttribute("data-shortcut").indexOf(key + " ") === 0) { return true; }
    }
    return false;
  }
  function activate(el) {
    if (isTyping(el)) {
      el.focus();
      if (typeof el.select === "function") { el.select(); }
    } else {
      el.click();
    }
  }

  // --- bulk selection ----------------------------------------------------------
  function syncBulk() {
    var boxes = rowChecks();
    var count = 0;
    boxes.forEach(function (box) {
      var row = box.closest("tr");
      if (row) { row.classList.toggle("is-ticked", box.checked); }
      if (box.checked) { count += 1; }
    });
    document.querySelectorAll(".js-bulk-count").forEach(function (el) { el.textContent = String(count); });
    document.querySelectorAll(".js-select-all").forEach(function (all) {
      all.checked = boxes.length > 0 && count === boxes.length;
      all.indeterminate = count > 0 && count < boxes.length;
    });
  }
  function syncBulkFields(form) {
    if (!form) { return; }
    var action = form.querySelector("[name=action]");
    var status = form.querySelector("[name=status]");
    var act = action ? action.value : "";
    var to = status ? status.value : "";
    var visible = {
      assignment_group: act === "assign",
      assignee: act === "assign",
      status: act === "status",
      reason: act === "status" && to !== "" && to !== "resolved" && to !== "closed" && to !== "in_progress",
      resolution_code: act === "status" && to === "resolved",
      resolution_notes: act === "status" && to === "resolved"
    };
    form.querySelectorAll("[data-bulk-field]").forEach(function (wrapper) {
      var name = wrapper.getAttribute("data-bulk-field");
      if (Object.prototype.hasOwnProperty.call(visible, name)) { wrapper.hidden = !visible[name]; }
    });
  }

  // --- row selection (j / k / Enter / x) -----------------------------------------
  function setCurrent(row) {
    rows().forEach(function (r) { r.classList.remove("is-current"); r.removeAttribute("aria-selected"); });
    if (!row) { currentPk = null; return; }
    row.classList.add("is-current");
    row.setAttribute("aria-selected", "true");
    currentPk = row.getAttribute("data-pk");
    if (typeof row.scrollIntoView === "function") { row.scrollIntoView({ block: "nearest" }); }
  }
  function currentRow() {
    if (currentPk === null) { return null; }
    return document.querySelector('[data-queue-rows] > tr[data-pk="' + currentPk + '"]');
  }
  function move(delta) {
    var list = rows();
    if (!list.length) { return false; }
    var index = list.indexOf(currentRow());
    index = index === -1 ? (delta > 0 ? 0 : list.length - 1) : Math.min(Math.max(index + delta, 0), list.length - 1);
    setCurrent(list[index]);
    return true;
  }

  // --- the help overlay --------------------------------------------------------
  function toggleHelp() {
    var help = document.getElementById("shortcuts-help");
    if (!help || typeof help.showModal !== "function") { return; }
    if (help.open) { help.close(); } else { help.showModal(); }
  }

  document.addEventListener("click", function (event) {
    var opener = event.target.closest && event.target.closest(".js-shortcuts-open");
    if (opener) { event.preventDefault(); toggleHelp(); }
  });

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    if (isTyping(target)) {
      if (event.key === "Escape") { target.blur(); }
      return;
    }
    var help = document.getElementById("shortcuts-help");
    if (help && help.open && event.key !== "?") { return; }
    var key = event.key;
    var now = Date.now();
    if (pending !== null && now - pendingAt < SEQUENCE_MS) {
      var sequence = findShortcut(pending + " " + key);
      pending = null;
      if (sequence) { event.preventDefault(); activate(sequence); return; }
    }
    pending = null;
    if (key === "?") { event.preventDefault(); toggleHelp(); return; }
    var onControl = target && target.closest && target.closest("a, button, summary");
    if ((key === "j" || key === "k") && rows().length) {
      event.preventDefault();
      move(key === "j" ? 1 : -1);
      return;
    }
    if (key === "Enter" && !onControl && currentRow()) {
      var open = currentRow().querySelector("[data-row-open]");
      if (open) { event.preventDefault(); open.click(); }
      return;
    }
    if (key === "x" && currentRow()) {
      var box = currentRow().querySelector("input.js-row-check");
      if (box) {
        event.preventDefault();
        box.checked = !box.checked;
        box.dispatchEvent(new Event("change", { bubbles: true }));
      }
      return;
    }
    if (isPrefix(key)) { pending = key; pendingAt = now; event.preventDefault(); return; }
    var element = findShortcut(key);
    if (element) { event.preventDefault(); activate(element); }
  });

  // --- ticking rows ----------------------------------------------------------------
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!target.classList) { return; }
    if (target.classList.contains("js-select-all")) {
      rowChecks().forEach(function (box) { box.checked = target.checked; });
      syncBulk();
    } else if (target.classList.contains("js-row-check")) {
      syncBulk();
    }
    var form = target.closest && target.closest("[data-bulk-form]");
    if (form) { syncBulkFields(form); }
  });

  // --- live refresh ------------------------------------------------------------------
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    if (!elt || !elt.hasAttribute || !elt.hasAttribute("data-live-refresh")) { return; }
    var trigger = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
    var forced = trigger && trigger.type === "desk:refresh";
    // Rows ticked for a bulk action stay where they are; a hidden tab waits.
    if (!forced && (ticked().length > 0 || document.hidden)) {
      event.preventDefault();
      return;
    }
    seenBeforeRefresh = {};
    rows().forEach(function (row) { seenBeforeRefresh[row.getAttribute("data-pk")] = true; });
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || !target.hasAttribute || !target.hasAttribute("data-live-refresh")) { return; }
    if (seenBeforeRefresh) {
      rows().forEach(function (row) {
        if (!seenBeforeRefresh[row.getAttribute("data-pk")]) { row.classList.add("row-new"); }
      });
    }
    seenBeforeRefresh = null;
    var row = currentRow();
    if (row) { setCurrent(row); }
    syncBulk();
  });
  // After a bulk action (HX-Trigger: desk:refresh): untick and reload the rows.
  document.addEventListener("desk:refresh", function (event) {
    var box = container();
    if (!box || event.target === box) { return; }
    rowChecks().forEach(function (check) { check.checked = false; });
    syncBulk();
    if (window.htmx) { window.htmx.trigger(box, "desk:refresh"); }
  });
  // A refused bulk form (400) still shows its errors.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (event.detail.xhr && event.detail.xhr.status === 400 && target && target.id === "bulk-result") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-bulk-form]").forEach(syncBulkFields);
    syncBulk();
  });
})();
