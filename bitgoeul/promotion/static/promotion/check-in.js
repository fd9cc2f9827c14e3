/* The door's scanner: where the browser has the BarcodeDetector API, the camera reads the
   registration's QR code, fills the code field and submits the form. Elsewhere the field is
   typed into, or a handheld scanner types into it. */
(function () {
  "use strict";
  function start(box, form) {
    var video = box.querySelector("video");
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.setAttribute("data-live", "1");
      video.play();
      var busy = false;
      var timer = window.setInterval(function () {
        if (busy || video.readyState < 2) { return; }
        busy = true;
        detector.detect(video).then(function (codes) {
          busy = false;
          if (!codes.length) { return; }
          window.clearInterval(timer);
          stream.getTracks().forEach(function (track) { track.stop(); });
          form.querySelector("input[name=code]").value = codes[0].rawValue;
          form.submit();
        }, function () { busy = false; });
      }, 300);
    }, function () { box.hidden = true; });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector("[data-scanner]");
    var form = document.querySelector("[data-check-in]");
    if (!box || !form) { return; }
    var field = form.querySelector("input[name=code]");
    if (field) { field.focus(); }
    if (!("BarcodeDetector" in window) || !navigator.mediaDevices) { return; }
    box.hidden = false;
    box.querySelector("[data-scanner-start]").addEventListener("click", function (event) {
      event.currentTarget.hidden = true;
      start(box, form);
    });
  });
})();
