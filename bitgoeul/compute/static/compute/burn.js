/* GPU allocations (compute, burn area).
   - The burn-down chart: GPU-hours used so far against the pro-rated share (the net grant ×
     the share of the month passed), day by day, on a scale that starts at zero. The page marks
     <canvas data-burn-chart="id"> and puts the spec in a json_script element of that id; no
     inline script (the CSP forbids it), no interface text (the labels come translated). The
     table of figures by day beside it is the fallback.
   - The statement's "print or save as PDF" button. */
(function () {
  "use strict";

  function draw(canvas) {
    if (!window.Chart || canvas.dataset.wired) { return; }
    canvas.dataset.wired = "1";
    var source = document.getElementById(canvas.dataset.burnChart);
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    window.Chart.defaults.font.family = "'Pretendard GOV', sans-serif";
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: spec.labels,
        datasets: [
          {
            label: spec.usedLabel, data: spec.used, borderColor: "#256ef4",
            backgroundColor: "#256ef4", pointRadius: 2, borderWidth: 3, spanGaps: false
          },
          {
            label: spec.proratedLabel, data: spec.prorated, borderColor: "#de3412",
            backgroundColor: "#de3412", borderDash: [6, 4], pointRadius: 0, borderWidth: 2
          }
        ]
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { ticks: { autoSkip: true, maxRotation: 0 } },
          // GPU-hours start at zero: a scale from 400 to 500 would make a slow week look idle
          y: { beginAtZero: true, title: { display: true, text: spec.yLabel } }
        },
        plugins: { legend: { display: true, position: "bottom" } }
      }
    });
  }

  function wire() {
    document.querySelectorAll("canvas[data-burn-chart]").forEach(draw);
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    wire();
  }
})();
