// Ticket forms and the phone-call screen: pickers filled by htmx searches,
// Enter picks the first result. No inline script (CSP); the forms post
// without it too (the ids are plain hidden fields).
(function () {
  "use strict";

  function scopeOf(element) {
    return element.closest("form") || element.closest("[data-picker-scope]") || document;
  }

  function changed(scope) {
    var target = scope === document ? document.body : scope;
    target.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function setSingle(scope, name, value, label) {
    var input = scope.querySelector('input[name="' + name + '"]');
    if (!input) { return; }
    input.value = value;
    var shown = scope.querySelector('[data-picked-label="' + name + '"]');
    if (shown) { shown.textContent = label; }
  }

  function fillIfEmpty(scope, name, value) {
    if (!value) { return; }
    var field = scope.querySelector('[name="' + name + '"]');
    if (field && !field.value) { field.value = value; }
  }

  function addChip(scope, name, value, label) {
    var list = scope.querySelector('[data-picked="' + name + '"]');
    if (!list || list.querySelector('input[value="' + value + '"]')) { return; }
    var item = document.createElement("li");
    item.className = "chip";
    var text = document.createElement("span");
    text.textContent = label;
    var input = document.createElement("input");
    input.type = "hidden"; input.name = name; input.value = value;
    var remove = document.createElement("button");
    remove.type = "button"; remove.className = "js-unpick";
    remove.setAttribute("aria-label", list.getAttribute("data-remove-label") || "Remove");
    remove.textContent = "\u00d7";
    item.appendChild(text); item.appendChild(input); item.appendChild(remove);
    list.appendChild(item);
  }

  function pick(button) {
    var scope = scopeOf(button);
    var name = button.getAttribute("data-pick");
    var value = button.getAttribute("data-value");
    var label = button.getAttribute("data-label") || button.textContent.trim();
    if (button.hasAttribute("data-multiple")) {
      addChip(scope, name, value, label);
      var row = button.closest("li");
      if (row) { row.remove(); }
    } else {
      setSingle(scope, name, value, label);
      if (name === "requester") {
        fillIfEmpty(scope, "establishment", button.getAttribute("data-establishment"));
        fillIfEmpty(scope, "care_unit", button.getAttribute("data-care-unit"));
        var location = scope.querySelector('input[name="location"]');
        if (location && !location.value && button.getAttribute("data-room")) {
          setSingle(scope, "location", button.getAttribute("data-room"), button.getAttribute("data-room-label"));
        }
      }
      var results = button.closest(".pick-results");
      if (results) { results.innerHTML = ""; }
      var search = scope.querySelector('[data-search-for="' + name + '"]');
      if (search) { search.value = ""; }
    }
    changed(scope);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".js-pick");
    if (button) { event.preventDefault(); pick(button); return; }
    var remove = event.target.closest(".js-unpick");
    if (remove) {
      var scope = scopeOf(remove);
      remove.closest("li").remove();
      changed(scope);
      return;
    }
    var clear = event.target.closest(".js-unset");
    if (clear) {
      var where = scopeOf(clear);
      setSingle(where, clear.getAttribute("data-unset"), "", "—");
      changed(where);
      return;
    }
    var reply = event.target.closest("[data-comment-visibility]");
    if (reply) {
      var form = document.getElementById("comment-form");
      if (!form) { return; }
      event.preventDefault();
      var radio = form.querySelector('input[name="visibility"][value="' + reply.getAttribute("data-comment-visibility") + '"]');
      if (radio) { radio.checked = true; }
      var body = form.querySelector("textarea");
      if (body) { body.focus(); }
    }
  });

  // Enter in a search box picks its first result instead of posting the form;
  // arrow down goes to the results.
  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("[data-results]")) { return; }
    var box = document.getElementById(input.getAttribute("data-results"));
    var first = box && box.querySelector(".js-pick, .call-result");
    if (event.key === "Enter") {
      if (first) { event.preventDefault(); first.click(); }
      else if (input.form && input.form.method.toLowerCase() === "post") { event.preventDefault(); }
    } else if (event.key === "ArrowDown" && first) {
      event.preventDefault(); first.focus();
    }
  });

  // A caller picked on the call screen: on to the ticket's title.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail && event.detail.target && event.detail.target.id === "call-workspace") {
      var title = document.getElementById("ticket-title");
      if (title) { title.focus(); }
    }
  });
})();
