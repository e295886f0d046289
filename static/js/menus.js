// Closes the header's menus the way a menu should close. Each is a <details> that opens
// and closes without JavaScript; this adds Escape (focus goes back to the menu's button),
// a click or focus elsewhere, and one menu open at a time.
(function () {
  "use strict";

  const menus = Array.from(document.querySelectorAll("details[data-menu]"));

  function closeAll(except) {
    menus.forEach(function (menu) {
      if (menu !== except && !menu.contains(except)) menu.open = false;
    });
  }

  menus.forEach(function (menu) {
    menu.addEventListener("toggle", function () {
      if (menu.open) closeAll(menu);
    });
    menu.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || !menu.open) return;
      menu.open = false;
      menu.querySelector("summary").focus();
      event.stopPropagation();
    });
  });

  // A click or the focus landing outside an open menu closes it.
  function closeOutside(event) {
    menus.forEach(function (menu) {
      if (menu.open && !menu.contains(event.target)) menu.open = false;
    });
  }
  document.addEventListener("click", closeOutside);
  document.addEventListener("focusin", closeOutside);
})();
