// « Est-ce une discrimination ? » — enhancements only: the pages work without JavaScript.
// No inline script, no event handler attribute (strict CSP); nothing is stored in the browser.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // A problem in the form: move the focus to it, so that it is read out first.
  var problem = document.getElementById("erreurs");
  if (problem) { problem.focus(); }

  // « Je ne sais pas » excludes the other reasons, and the other way round.
  var reasons = document.getElementById("raisons");
  if (reasons) {
    reasons.addEventListener("change", function (event) {
      var box = event.target;
      if (!box.checked || box.type !== "checkbox") { return; }
      var all = reasons.querySelectorAll("input[type=checkbox]");
      for (var i = 0; i < all.length; i++) {
        var other = all[i];
        if (other === box) { continue; }
        if (box.hasAttribute("data-exclusif") || other.hasAttribute("data-exclusif")) {
          other.checked = false;
        }
      }
    });
  }

  // The answer: a print button (the browser's own menu works without it).
  var print = document.getElementById("imprimer");
  if (print) {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
  }

  // The answer page: its heading takes the focus, so a screen reader starts with the verdict.
  var verdict = document.getElementById("titre-reponse");
  if (verdict && !problem) { verdict.focus(); }
})();
