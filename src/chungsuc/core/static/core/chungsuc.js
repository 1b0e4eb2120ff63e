/* Chung Sức: small behaviours, kept out of the pages so the Content-Security-Policy can forbid inline script. */
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el && el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) {
    el.form.submit();
  }
});

/* A table wider than the screen scrolls inside its box (.table-responsive): such a box must be reachable
   by the keyboard to be scrolled without a mouse (WCAG 2.1.1). Give the ones that overflow a tab stop
   and a name (the table's caption or the card's title), on load, after HTMX swaps and on resize. */
(function () {
  function label(box) {
    var caption = box.querySelector("caption");
    var card = box.closest(".card");
    var title = card && card.querySelector(".card-title, h2, h3");
    var text = (caption && caption.textContent) || (title && title.textContent) || "";
    return text.replace(/\s+/g, " ").trim();
  }
  function mark() {
    var boxes = document.querySelectorAll(".table-responsive");
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      if (box.scrollWidth > box.clientWidth + 1) {
        if (!box.hasAttribute("tabindex")) {
          box.setAttribute("tabindex", "0");
          box.setAttribute("data-scroll-focus", "1");
        }
        if (!box.hasAttribute("role")) box.setAttribute("role", "region");
        if (!box.hasAttribute("aria-label") && label(box)) box.setAttribute("aria-label", label(box));
      } else if (box.getAttribute("data-scroll-focus") === "1") {
        box.removeAttribute("tabindex");
        box.removeAttribute("data-scroll-focus");
      }
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mark);
  } else {
    mark();
  }
  document.addEventListener("htmx:afterSettle", mark);
  window.addEventListener("resize", mark);
})();
