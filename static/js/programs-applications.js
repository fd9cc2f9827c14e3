/* Applications: the countdown to a call's deadline and the "add a row" button of tables.
   The countdown starts from the server's time sent in the page (data-server-now), so a
   computer whose clock is wrong still shows the time the server will decide by. Words come
   from data-* attributes (no interface text here). */
(function () {
  "use strict";

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function startCountdown(el) {
    var deadline = Date.parse(el.dataset.deadline);
    var serverNow = Date.parse(el.dataset.serverNow);
    if (isNaN(deadline) || isNaN(serverNow)) { return; }
    var offset = serverNow - Date.now();
    function tick() {
      var left = Math.floor((deadline - (Date.now() + offset)) / 1000);
      if (left < 0) {
        el.textContent = el.dataset.closed;
        return;
      }
      var days = Math.floor(left / 86400);
      var rest = left % 86400;
      var time = pad(Math.floor(rest / 3600)) + ":" + pad(Math.floor((rest % 3600) / 60)) + ":" + pad(rest % 60);
      var template = days > 0 ? el.dataset.templateDays : el.dataset.templateTime;
      el.textContent = template.replace("{days}", String(days)).replace("{time}", time);
      window.setTimeout(tick, 1000);
    }
    tick();
  }

  function wireAddRow(button) {
    var key = button.dataset.addRow;
    var table = document.querySelector('table[data-rows="' + key + '"] tbody');
    if (!table) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var last = table.lastElementChild;
      if (!last) { return; }
      var index = table.children.length;
      var row = last.cloneNode(true);
      row.firstElementChild.textContent = String(index + 1);
      row.querySelectorAll("input").forEach(function (input) {
        input.value = "";
        input.name = input.name.replace(/-(\d+)-/, "-" + index + "-");
        var label = input.getAttribute("aria-label") || "";
        input.setAttribute("aria-label", label.replace(/^\d+/, String(index + 1)));
      });
      table.appendChild(row);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-countdown]").forEach(startCountdown);
    document.querySelectorAll("[data-add-row]").forEach(wireAddRow);
  });
})();
