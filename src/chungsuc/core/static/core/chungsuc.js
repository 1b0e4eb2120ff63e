/* Chung Sức: small behaviours, kept out of the pages so the Content-Security-Policy can forbid inline script. */
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el && el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) {
    el.form.submit();
  }
});
