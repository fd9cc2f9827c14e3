/* KPI charts of demonstration projects: each measurement over time and the target as a dashed
   line, on a scale that starts at zero (a scale from 90 to 100 would make a one-point change
   look like a leap). The page marks <canvas data-kpi-chart="id"> and puts the spec in a
   json_script element of that id; no inline script (the CSP forbids it), no interface text
   (the labels come translated in the spec). */
(function () {
  "use strict";

  function draw(canvas) {
    if (!window.Chart || canvas.dataset.wired) { return; }
    canvas.dataset.wired = "1";
    var source = document.getElementById(canvas.dataset.kpiChart);
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    var values = spec.values.map(Number);
    var target = Number(spec.target);
    window.Chart.defaults.font.family = "'Pretendard GOV', sans-serif";
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: spec.labels,
        datasets: [
          { label: spec.label, data: values, borderColor: "#256ef4", backgroundColor: "#256ef4" },
          {
            label: spec.targetLabel,
            data: spec.labels.map(function () { return target; }),
            borderColor: "#de3412",
            borderDash: [6, 4],
            // one measurement gives the line no length: the target is then a short dash
            pointStyle: "line",
            pointRadius: spec.labels.length === 1 ? 24 : 0,
            pointBorderWidth: 2
          }
        ]
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true } },
        plugins: { legend: { display: true, position: "bottom" } }
      }
    });
  }

  function wire() { document.querySelectorAll("canvas[data-kpi-chart]").forEach(draw); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    wire();
  }
})();
