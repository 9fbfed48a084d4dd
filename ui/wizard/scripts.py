"""The wizard's two inline scripts. Their text is constant: the CSP of deploy/nginx allows
exactly these, by their sha256 (tests/test_deploy_nginx.py checks the hashes).

``SCROLL_SCRIPT`` runs after each change of view: back to the top, focus on the heading.
``PAGE_SCRIPT`` is installed once per page: a link in the problem summary moves focus to
its question, leaving or reloading the page while answers are held asks first, and the
page's ``lang`` follows the language chosen (a ``data-page-lang`` marker), so screen readers
read Spanish pages with a Spanish voice.
"""

SCROLL_SCRIPT = """<script>
setTimeout(function () {
  var doc = window.parent ? window.parent.document : document;
  var main = doc.querySelector('[data-testid="stMain"]');
  if (main) { main.scrollTo(0, 0); }
  window.scrollTo(0, 0);
  var heading = doc.querySelector('[data-testid="stMain"] h1');
  if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus({preventScroll: true}); }
}, 60);
</script>"""

PAGE_SCRIPT = """<script>
(function () {
  var win = window.parent || window;
  var doc = win.document;
  if (win.__screeningPage) { return; }
  win.__screeningPage = true;
  doc.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest('a[href^="#answer-"]');
    if (!link) { return; }
    event.preventDefault();
    var box = doc.querySelector(".st-key-" + link.getAttribute("href").slice(1));
    if (!box) { return; }
    box.scrollIntoView({block: "center"});
    var field = box.querySelector("input:not([type=hidden]), textarea, [role=combobox]");
    if (field) { field.focus({preventScroll: true}); }
  });
  win.addEventListener("beforeunload", function (event) {
    if (doc.querySelector(".st-key-answers-held")) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  var setLang = function () {
    var lang = doc.querySelector("[data-page-lang=es]") ? "es" : "en";
    if (doc.documentElement.lang !== lang) { doc.documentElement.lang = lang; }
  };
  new win.MutationObserver(setLang).observe(doc.body, {childList: true, subtree: true});
  setLang();
})();
</script>"""

WIZARD_SCRIPTS = (SCROLL_SCRIPT, PAGE_SCRIPT)
