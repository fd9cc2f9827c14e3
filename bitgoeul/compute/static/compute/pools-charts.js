/* The pools area's charts. The page marks <canvas data-pools-chart="id" data-kind="…"> and puts
   the spec in a json_script element of that id; no inline script (the CSP forbids it), no
   interface text (labels come translated in the spec).
   - "stack": a pool's capacity per month: net, reserved and maintenance stacked to all the GPUs'
     hours, on an axis that starts at zero;
   - "compare": deliverable against granted per month, side by side from zero; a granted bar is
     red where that month is oversold (the page says so in words too). */
(function () {
  "use strict";
  var STACK = ["#256ef4", "#8a949e", "#ffb114"];
  var DELIVERABLE = "#8a949e";
  var GRANTED = { ok: "#256ef4", close: "#b56a00", oversold: "#de3412" };

  function datasets(spec, kind) {
    return spec.datasets.map(function (set, index) {
      var colour = STACK[index % STACK.length];
      if (kind === "compare") {
        colour = index === 0 ? DELIVERABLE : spec.levels.map(function (level) { return GRANTED[level] || GRANTED.ok; });
      }
      return { label: set.label, data: set.data, backgroundColor: colour };
    });
  }

  function draw(canvas) {
    if (!window.Chart || canvas.dataset.wired) { return; }
    canvas.dataset.wired = "1";
    var source = document.getElementById(canvas.dataset.poolsChart);
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    var kind = canvas.dataset.kind;
    var stacked = kind === "stack";
    window.Chart.defaults.font.family = "'Pretendard GOV', sans-serif";
    new window.Chart(canvas, {
      type: "bar",
      data: { labels: spec.labels, datasets: datasets(spec, kind) },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          x: { stacked: stacked },
          y: { stacked: stacked, beginAtZero: true, min: 0, ticks: { precision: 0 }, title: { display: true, text: spec.axis } }
        },
        plugins: { legend: { display: true, position: "bottom" } }
      }
    });
  }

  function wire() { document.querySelectorAll("canvas[data-pools-chart]").forEach(draw); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    wire();
  }
})();
