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
      // {"stacked": true, "labels": [...], "series": [{"name","values","color"}]}:
      // one chart of horizontal stacked bars, one bar per label.
      if (data.stacked) {
        var one = document.createElement("div");
        one.className = "chart-part";
        one.style.height = (70 + 30 * (data.labels || []).length) + "px";
        el.appendChild(one);
        var c = window.echarts.init(one, null, { renderer: "svg" });
        c.setOption({
          title: { text: data.title, left: 0, textStyle: { fontSize: 14 } },
          tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
          legend: { top: 24, left: 0 },
          grid: { left: 8, right: 16, top: 56, bottom: 8, containLabel: true },
          xAxis: data.percent ? { type: "value", max: 100, axisLabel: { formatter: "{value}%" } } : { type: "value", minInterval: 1 },
          yAxis: { type: "category", inverse: true, data: data.labels,
                   axisLabel: { width: 180, overflow: "truncate" } },
          series: (data.series || []).map(function (s) {
            return { type: "bar", stack: "all", name: s.name, data: s.values, itemStyle: { color: s.color } };
          })
        });
        window.addEventListener("resize", function () { c.resize(); });
        return;
      }
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
