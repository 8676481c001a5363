/*
 * Main navigation on small screens: adds a menu button that shows and hides the list.
 * Without JavaScript (or before this runs) the navigation stays a plain, visible list.
 * The CSS hides the list only while the nav carries "ki-nav--collapsible" and not "ki-nav--open",
 * and only below the breakpoint where the button is shown.
 */
(function () {
  "use strict";

  var nav = document.getElementById("main-nav");
  var list = document.getElementById("main-nav-list");
  if (!nav || !list) {
    return;
  }

  var button = document.createElement("button");
  button.type = "button";
  button.className = "kern-btn kern-btn--secondary ki-nav__toggle";
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", list.id);
  var icon = document.createElement("span");
  icon.className = "kern-icon kern-icon--dehaze";
  icon.setAttribute("aria-hidden", "true");
  var label = document.createElement("span");
  label.className = "kern-label";
  label.textContent = nav.getAttribute("data-menu-label") || "Menü";
  button.appendChild(icon);
  button.appendChild(label);

  function setOpen(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    nav.classList.toggle("ki-nav--open", open);
  }

  button.addEventListener("click", function () {
    setOpen(button.getAttribute("aria-expanded") !== "true");
  });
  // Escape closes the open menu and returns focus to the button (keyboard users).
  nav.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      button.focus();
    }
  });

  list.parentNode.insertBefore(button, list);
  nav.classList.add("ki-nav--collapsible");
})();

/*
 * Filter boxes (<details data-ki-fold-on-small open>) start folded on small screens unless a
 * filter error is shown, so the results come first; without JavaScript they simply stay open.
 */
(function () {
  "use strict";

  if (!window.matchMedia || !window.matchMedia("(max-width: 47.99rem)").matches) {
    return;
  }
  var boxes = document.querySelectorAll("details[data-ki-fold-on-small]");
  Array.prototype.forEach.call(boxes, function (box) {
    if (!box.querySelector("[aria-invalid='true'], .kern-form-input__input--error, .kern-form-input__select--error, .kern-alert--danger")) {
      box.removeAttribute("open");
    }
  });
})();
