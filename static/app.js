// Lingyan page behaviour. No inline scripts anywhere (the CSP forbids them);
// everything small lives here.
(function () {
  "use strict";
  // Wide screens: the menu is always open; phones: a tap opens it.
  function syncMenu() {
    var m = document.querySelector("details.menu");
    if (m && window.matchMedia("(min-width: 641px)").matches) { m.open = true; }
  }

  // <div class="chart" data-chart='{"title":…,"series":[{"name","labels","values"}]}'>
  // draws one bar chart per series with the vendored ECharts (SVG).
  function drawCharts() {
    if (!window.echarts) { return; }
    document.querySelectorAll(".chart[data-chart]").forEach(function (el) {
      var data;
      try { data = JSON.parse(el.getAttribute("data-chart")); } catch (e) { return; }
      el.textContent = "";
      (data.series || []).forEach(function (s) {
        var part = document.createElement("div");
        part.className = "chart-part";
        el.appendChild(part);
        var chart = window.echarts.init(part, null, { renderer: "svg" });
        chart.setOption({
          title: { text: s.name, left: "center", textStyle: { fontSize: 14 } },
          grid: { left: 40, right: 10, top: 40, bottom: 30 },
          tooltip: {},
          xAxis: { type: "category", data: s.labels, axisLabel: { interval: 0 } },
          yAxis: { type: "value", minInterval: 1 },
          series: [{ type: "bar", data: s.values, label: { show: true, position: "top" }, itemStyle: { color: "#1d5fa7" } }]
        });
        window.addEventListener("resize", function () { chart.resize(); });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { syncMenu(); drawCharts(); });
  window.addEventListener("resize", syncMenu);

  // <button data-confirm="…"> asks before submitting its form.
  document.addEventListener("click", function (e) {
    var b = e.target.closest ? e.target.closest("[data-confirm]") : null;
    if (b && !window.confirm(b.getAttribute("data-confirm"))) { e.preventDefault(); }
    // <button data-check-all="ids"> ticks (or unticks) every box of that name.
    var all = e.target.closest ? e.target.closest("[data-check-all]") : null;
    if (all) {
      var boxes = document.querySelectorAll('input[type=checkbox][name="' + all.getAttribute("data-check-all") + '"]');
      var tick = Array.prototype.some.call(boxes, function (x) { return !x.checked; });
      boxes.forEach(function (x) { x.checked = tick; });
    }
  });
})();
