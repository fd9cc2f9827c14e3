/* GPU-hours requested and granted per pool, as grouped bars on a scale that starts at zero.
   The page marks <canvas data-gpu-chart="id"> and puts the spec in a json_script element of
   that id; no inline script (the CSP forbids it), no interface text (labels come translated). */
(function () {
  "use strict";
  var COLOURS = ["#8a949e", "#256ef4"];

  function draw(canvas) {
    if (!window.Chart || canvas.dataset.wired) { return; }
    canvas.dataset.wired = "1";
    var source = document.getElementById(canvas.dataset.gpuChart);
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    window.Chart.defaults.font.family = "'Pretendard GOV', sans-serif";
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: spec.series.map(function (series, i) {
          return { label: series.label, data: series.values.map(Number), backgroundColor: COLOURS[i % 2] };
        })
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

  function wire() { document.querySelectorAll("canvas[data-gpu-chart]").forEach(draw); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    wire();
  }
})();
