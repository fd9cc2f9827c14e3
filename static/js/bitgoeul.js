/* Bitgoeul's own behaviour. No inline script anywhere (the CSP forbids it): pages mark
   elements with data-* attributes and this file wires them up. Translated words come from
   data-label-* attributes on <body> (base.html), so this file holds no interface text. */
(function () {
  "use strict";

  function label(name, fallback) {
    var value = document.body && document.body.dataset[name];
    return value || fallback;
  }

  function language() {
    return (document.documentElement.lang || "ko").slice(0, 2);
  }

  /* Money in the units people read: 억 and 백만원 in Korean, M/B KRW in English. */
  function formatMoney(value) {
    var n = Number(value) || 0;
    var abs = Math.abs(n);
    var trim = function (x) { return Number(x.toFixed(x >= 100 ? 0 : 1)).toLocaleString(); };
    if (language() === "ko") {
      if (abs >= 1e8) { return trim(n / 1e8) + "억원"; }
      if (abs >= 1e6) { return trim(n / 1e6) + "백만원"; }
      return n.toLocaleString("ko-KR") + "원";
    }
    if (abs >= 1e9) { return trim(n / 1e9) + "B KRW"; }
    if (abs >= 1e6) { return trim(n / 1e6) + "M KRW"; }
    return n.toLocaleString("en-US") + " KRW";
  }

  /* Charts: one spec for every app (bitgoeul/core/charts.py says what it holds). The page marks
     <canvas data-chart="ID"> and writes the spec with json_script under that ID. Every chart
     keeps a value axis from zero, whole-number ticks for counts, money in the units people
     read, a legend only for several series, and says so when there is nothing to draw. */
  var TONES = { primary: "#256ef4", muted: "#8a949e", success: "#228738", warning: "#ffb114", danger: "#de3412" };
  var PALETTE = ["primary", "muted", "success", "warning"];
  var POINT_TONES = { ok: TONES.primary, close: "#b56a00", oversold: TONES.danger };

  function formatValue(kind, v) {
    if (v === null || v === undefined) { return ""; }
    return kind === "money" ? formatMoney(v) : Number(v).toLocaleString();
  }

  function dataset(spec, series, index) {
    var colour = TONES[series.tone] || TONES[PALETTE[index % PALETTE.length]];
    if (series.style === "dashed" && !series.tone) { colour = TONES.danger; }
    var set = {
      label: series.label,
      data: series.values.map(function (v) { return v === null || v === undefined ? null : Number(v); }),
      backgroundColor: series.tones ? series.tones.map(function (t) { return POINT_TONES[t] || colour; }) : colour,
      borderColor: colour,
      type: series.style === "bar" ? "bar" : "line"
    };
    if (series.style === "bar") {
      set.maxBarThickness = 56; // one or two bars do not fill the whole chart
    }
    if (series.style === "line") {
      set.pointRadius = 2;
      set.borderWidth = 3;
      set.spanGaps = false;
    }
    if (series.style === "dashed") {
      set.borderDash = [6, 4];
      set.borderWidth = 2;
      // one point gives a line no length: the reference is then a short dash
      set.pointStyle = "line";
      set.pointRadius = spec.labels.length === 1 ? 24 : 0;
      set.pointBorderWidth = 2;
    }
    return set;
  }

  function drawChart(canvas) {
    if (!window.Chart || canvas.dataset.wired) { return; }
    canvas.dataset.wired = "1";
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    var series = spec.series || [];
    var box = canvas.parentElement;
    // Nothing to draw: say so instead of an empty grid.
    var anything = series.some(function (one) {
      return one.values.some(function (v) { return v !== null && v !== undefined && Number(v) !== 0; });
    });
    if (!anything) {
      var empty = document.createElement("p");
      empty.className = "chart-empty";
      empty.textContent = label("labelChartEmpty", "No figures to show yet.");
      box.replaceChild(empty, canvas);
      return;
    }
    var kind = spec.kind || "count";
    var value = {
      stacked: !!spec.stacked,
      // Counts and amounts start at zero: a scale from 14 to 16 exaggerates small changes.
      beginAtZero: true,
      ticks: { precision: kind === "count" ? 0 : undefined, callback: function (v) { return formatValue(kind, v); } },
      title: { display: !!spec.axis, text: spec.axis }
    };
    // bars sit between the ticks; a line of one point sits in the middle, not on the edge
    var lines = series.length && series[0].style !== "bar";
    var category = {
      stacked: !!spec.stacked,
      offset: !lines || spec.labels.length === 1,
      ticks: { autoSkip: true, maxRotation: 0 }
    };
    window.Chart.defaults.font.family = "'Pretendard GOV', sans-serif";
    new window.Chart(canvas, {
      type: lines ? "line" : "bar",
      data: { labels: spec.labels, datasets: series.map(function (one, i) { return dataset(spec, one, i); }) },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        indexAxis: spec.horizontal ? "y" : "x",
        interaction: { mode: "index", intersect: false },
        scales: spec.horizontal ? { x: value, y: category } : { x: category, y: value },
        plugins: {
          legend: { display: series.length > 1, position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (context) {
                var v = spec.horizontal ? context.parsed.x : context.parsed.y;
                var text = formatValue(kind, v);
                return series.length > 1 ? context.dataset.label + ": " + text : text;
              }
            }
          }
        }
      }
    });
  }

  /* Tables shown as cards on phones: each cell carries its column's name. */
  function labelCells(table) {
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    if (!heads.length) { return; }
    table.querySelectorAll("tbody tr").forEach(function (row) {
      Array.prototype.forEach.call(row.children, function (cell, i) {
        if (heads[i] && !cell.dataset.label) { cell.dataset.label = heads[i]; }
      });
    });
  }

  /* Filters fold behind a button on phones (CSS decides when the fold applies). */
  function foldFilters(form) {
    if (form.dataset.folded || (form.method || "get").toLowerCase() !== "get") { return; }
    form.dataset.folded = "1";
    form.classList.add("is-collapsible");
    if (!form.id) { form.id = "filters-" + Math.random().toString(36).slice(2, 8); }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "krds-btn small secondary filters-toggle";
    button.setAttribute("aria-controls", form.id);
    button.setAttribute("aria-expanded", "false");
    button.textContent = label("labelFilters", "Show filters");
    button.addEventListener("click", function () {
      var open = form.classList.toggle("is-open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
      button.textContent = open ? label("labelFiltersHide", "Hide filters") : label("labelFilters", "Show filters");
    });
    form.parentNode.insertBefore(button, form);
  }

  /* A table frame that scrolls sideways must be reachable by keyboard (WCAG 2.1.1). */
  function focusableScroll(frame) {
    if (frame.scrollWidth > frame.clientWidth + 1 && !frame.hasAttribute("tabindex")) {
      frame.setAttribute("tabindex", "0");
      frame.setAttribute("role", "region");
      var caption = frame.querySelector("caption");
      if (caption) { frame.setAttribute("aria-label", caption.textContent.trim()); }
    }
  }

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
    root.querySelectorAll("canvas[data-chart]").forEach(drawChart);
    root.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
    root.querySelectorAll("table.tbl-responsive").forEach(labelCells);
    root.querySelectorAll("form.filters").forEach(foldFilters);
    root.querySelectorAll(".krds-table-wrap").forEach(focusableScroll);
    root.querySelectorAll("[data-back]").forEach(function (link) {
      if (window.history.length > 1) {
        link.hidden = false;
        link.addEventListener("click", function (event) { event.preventDefault(); window.history.back(); });
      }
    });
  }

  function wireMenu() {
    var header = document.querySelector("[data-menu]");
    var toggle = header && header.querySelector(".menu-toggle");
    if (!toggle) { return; }
    toggle.addEventListener("click", function () {
      var open = header.classList.toggle("nav-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && header.classList.contains("nav-open")) {
        header.classList.remove("nav-open");
        toggle.setAttribute("aria-expanded", "false");
        toggle.focus();
      }
    });
  }

  /* After a failed submit the error summary takes the focus, so it is read out first. */
  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  }

  document.documentElement.classList.add("js");
  document.addEventListener("DOMContentLoaded", function () {
    wireMenu();
    wire(document);
    focusErrorSummary();
  });
  document.addEventListener("htmx:afterSettle", function (event) { wire(event.target); });
})();
