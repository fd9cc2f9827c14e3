/* The matchmaking pipeline's charts: needs per state, stacked, one bar per chapter or sector,
   on a count axis that starts at zero with whole-number ticks (a need is never a fraction). The
   page marks <canvas data-pipeline-chart="id"> and puts the spec in a json_script element of
   that id; no inline script (the CSP forbids it), no interface text (labels come translated). */
(function () {
  "use strict";
  var COLOURS = ["#256ef4", "#228738", "#8a949e"];

  function draw(canvas) {
    if (!window.Chart || canvas.dataset.wired) { return; }
    canvas.dataset.wired = "1";
    var source = document.getElementById(canvas.dataset.pipelineChart);
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    window.Chart.defaults.font.family = "'Pretendard GOV', sans-serif";
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (set, index) {
          return { label: set.label, data: set.data, backgroundColor: COLOURS[index % COLOURS.length] };
        })
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        indexAxis: "y",
        scales: {
          x: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: spec.axis } },
          y: { stacked: true }
        },
        plugins: { legend: { display: true, position: "bottom" } }
      }
    });
  }

  function wire() { document.querySelectorAll("canvas[data-pipeline-chart]").forEach(draw); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    wire();
  }
})();
