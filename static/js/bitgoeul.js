/* Bitgoeul's own behaviour. No inline script anywhere (the CSP forbids it): pages mark
   elements with data-* attributes and this file wires them up. */
(function () {
  "use strict";

  function wire(root) {
    root.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.requestSubmit(); });
    });
    root.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
      });
    });
    root.querySelectorAll("[data-copy]").forEach(function (button) {
      button.addEventListener("click", function () {
        var target = document.getElementById(button.dataset.copy);
        if (target && navigator.clipboard) { navigator.clipboard.writeText(target.textContent.trim()); }
      });
    });
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (!window.Chart || canvas.dataset.wired) { return; }
      canvas.dataset.wired = "1";
      var source = document.getElementById(canvas.dataset.chart);
      var spec = JSON.parse(source.textContent);
      window.Chart.defaults.font.family = "'Pretendard GOV', sans-serif";
      new window.Chart(canvas, {
        type: spec.type || "bar",
        data: { labels: spec.labels, datasets: [{ label: spec.label, data: spec.values, backgroundColor: "#256ef4" }] },
        options: { animation: false, responsive: true, maintainAspectRatio: false, plugins: { legend: { display: false } } }
      });
    });
  }

  document.documentElement.classList.add("js");
  document.addEventListener("DOMContentLoaded", function () { wire(document); });
  document.addEventListener("htmx:afterSettle", function (event) { wire(event.target); });
})();
