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
        // The legend one series a line, so long names never run into the bars.
        var top = 30 + 22 * (data.series || []).length;
        one.style.height = (top + 24 + 30 * (data.labels || []).length) + "px";
        el.appendChild(one);
        var c = window.echarts.init(one, null, { renderer: "svg" });
        c.setOption({
          title: { text: data.title, left: 0, textStyle: { fontSize: 14 } },
          tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
          legend: { top: 24, left: 0, orient: "vertical", itemGap: 6 },
          grid: { left: 8, right: 16, top: top, bottom: 8, containLabel: true },
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

  // Messages in the app's language, from <html data-msg-…>.
  function msg(name) { return document.documentElement.getAttribute("data-msg-" + name) || ""; }

  // An error shown beside a field (once), marked for screen readers.
  function fieldError(el, text) {
    var anchor = el.closest(".picker") || el;
    var label = anchor.closest("label") || anchor.parentNode;
    var id = "err-" + (el.name || "field") + "-" + Math.random().toString(36).slice(2, 8);
    var old = label.querySelector(":scope > .field-error");
    if (old) { old.remove(); }
    var p = document.createElement("span");
    p.className = "field-error";
    p.id = id;
    p.textContent = text;
    label.appendChild(p);
    var target = anchor.querySelector ? (anchor.querySelector("input[role=combobox]") || el) : el;
    target.setAttribute("aria-invalid", "true");
    target.setAttribute("aria-describedby", id);
  }
  function clearFieldError(el) {
    var label = (el.closest(".picker") || el).closest("label");
    var old = label && label.querySelector(":scope > .field-error");
    if (old) { old.remove(); }
    el.removeAttribute("aria-invalid");
  }

  // The server's errors (<div class="flash-error" data-fields='{"title": "…"}'>)
  // beside the fields of the form they follow or sit in.
  function placeServerErrors() {
    document.querySelectorAll(".flash-error[data-fields]").forEach(function (box) {
      var fields;
      try { fields = JSON.parse(box.getAttribute("data-fields")); } catch (e) { return; }
      var forms = [box.closest("form"), box.nextElementSibling && box.nextElementSibling.closest ? box.nextElementSibling.closest("form") || box.nextElementSibling.querySelector("form") : null]
        .concat(Array.prototype.slice.call(document.querySelectorAll("main form")));
      var first = null;
      Object.keys(fields).forEach(function (name) {
        for (var i = 0; i < forms.length; i++) {
          var f = forms[i];
          if (!f) { continue; }
          var el = f.querySelector('[name="' + name + '"]:not([type=hidden])');
          if (el) { fieldError(el, fields[name]); first = first || el; return; }
        }
      });
      if (first) {
        var focus = (first.closest(".picker") && first.closest(".picker").querySelector("input")) || first;
        if (focus.focus) { focus.focus({ preventScroll: true }); }
      }
    });
  }

  // The browser's own bubbles speak the browser's language; say it in the
  // app's, beside the field.
  document.addEventListener("invalid", function (e) {
    var el = e.target;
    e.preventDefault();
    fieldError(el, el.validity.valueMissing ? msg("required") : msg("invalid"));
    if (el.form && el.form.querySelector(":invalid") === el) {
      var p = el.closest(".picker");
      (p ? p.querySelector("input[role=combobox]") : el).focus();
    }
  }, true);
  document.addEventListener("input", function (e) {
    if (e.target.getAttribute && e.target.getAttribute("aria-invalid") === "true" && !e.target.closest(".picker")) {
      clearFieldError(e.target);
    }
  });

  // <select data-picker> (one or multiple): a search box over its options,
  // matched against the name, data-search (pinyin, initials, staff no.)
  // and data-hint; chosen people of a multiple select show as removable
  // chips. The select stays the form's field; without scripts it is the
  // plain list.
  function picker(select) {
    var multiple = select.multiple;
    var wrap = document.createElement("div");
    wrap.className = "picker";
    select.parentNode.insertBefore(wrap, select);
    wrap.appendChild(select);
    select.classList.add("picker-native");
    select.setAttribute("tabindex", "-1");
    select.setAttribute("aria-hidden", "true");
    select.addEventListener("focus", function () { input.focus(); });
    var chips = document.createElement("ul");
    chips.className = "chips";
    var input = document.createElement("input");
    input.type = "text";
    input.autocomplete = "off";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.placeholder = msg("picker");
    var list = document.createElement("ul");
    list.className = "picker-list";
    list.setAttribute("role", "listbox");
    list.id = "pick-" + select.name + "-" + Math.random().toString(36).slice(2, 8);
    list.hidden = true;
    input.setAttribute("aria-controls", list.id);
    if (multiple) { wrap.appendChild(chips); }
    wrap.appendChild(input);
    wrap.appendChild(list);
    var options = Array.prototype.filter.call(select.options, function (o) { return o.value !== ""; });
    var active = -1;
    var shown = [];

    function chosenLabel() {
      var o = select.selectedOptions[0];
      return o && o.value !== "" ? o.text : "";
    }
    function changed() {
      select.dispatchEvent(new Event("change", { bubbles: true }));
      clearFieldError(select);
      var i = wrap.querySelector("input");
      i.removeAttribute("aria-invalid");
    }
    function drawChips() {
      if (!multiple) { return; }
      chips.textContent = "";
      Array.prototype.forEach.call(select.selectedOptions, function (o) {
        var li = document.createElement("li");
        li.textContent = o.text;
        var x = document.createElement("button");
        x.type = "button";
        x.className = "chip-x";
        x.textContent = "×";
        x.setAttribute("aria-label", msg("remove") + " " + o.text);
        x.addEventListener("click", function () { o.selected = false; drawChips(); changed(); input.focus(); });
        li.appendChild(x);
        chips.appendChild(li);
      });
    }
    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function mark(i) {
      var items = list.querySelectorAll("[role=option]");
      items.forEach(function (li, k) { li.setAttribute("aria-selected", k === i ? "true" : "false"); });
      active = i;
      if (items[i]) {
        input.setAttribute("aria-activedescendant", items[i].id);
        items[i].scrollIntoView({ block: "nearest" });
      }
    }
    function choose(o) {
      if (multiple) {
        o.selected = true;
        input.value = "";
        drawChips();
      } else {
        select.value = o.value;
        input.value = o.text;
      }
      changed();
      close();
    }
    function open() {
      var q = input.value.trim().toLowerCase();
      if (!multiple && q === chosenLabel().toLowerCase()) { q = ""; }
      // Whole words typed first (丁, dyy, ding, GF00…), then anywhere.
      var words = q ? q.split(/\s+/) : [];
      var scored = [];
      options.forEach(function (o, k) {
        if (multiple && o.selected) { return; }
        var hay = (o.text + " " + (o.getAttribute("data-search") || "") + " " + (o.getAttribute("data-hint") || "")).toLowerCase();
        var score = 0;
        for (var i = 0; i < words.length; i++) {
          var at = hay.indexOf(words[i]);
          if (at < 0) { return; }
          if (at > 0 && hay.charAt(at - 1) !== " ") { score += 1; }
        }
        scored.push([score, k, o]);
      });
      scored.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
      shown = scored.slice(0, 50).map(function (x) { return x[2]; });
      list.textContent = "";
      if (!shown.length) {
        var none = document.createElement("li");
        none.className = "picker-none";
        none.textContent = msg("nomatch");
        list.appendChild(none);
      }
      shown.forEach(function (o, k) {
        var li = document.createElement("li");
        li.id = list.id + "-" + k;
        li.setAttribute("role", "option");
        li.appendChild(document.createTextNode(o.text));
        var hint = o.getAttribute("data-hint");
        if (hint && o.text.indexOf(hint) < 0) {
          var small = document.createElement("small");
          small.textContent = hint;
          li.appendChild(small);
        }
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(o); });
        list.appendChild(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      mark(q && shown.length ? 0 : -1);
    }
    input.addEventListener("input", open);
    input.addEventListener("click", open);
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { e.preventDefault(); if (list.hidden) { open(); } mark(Math.min(active + 1, shown.length - 1)); }
      else if (e.key === "ArrowUp") { e.preventDefault(); mark(Math.max(active - 1, 0)); }
      else if (e.key === "Enter") {
        if (!list.hidden && shown[active]) { e.preventDefault(); choose(shown[active]); }
        else if (!list.hidden && shown.length === 1) { e.preventDefault(); choose(shown[0]); }
      }
      else if (e.key === "Escape") { close(); }
      else if (e.key === "Backspace" && multiple && input.value === "" && select.selectedOptions.length) {
        select.selectedOptions[select.selectedOptions.length - 1].selected = false;
        drawChips();
        changed();
      }
    });
    input.addEventListener("blur", function () {
      close();
      if (multiple) { input.value = ""; return; }
      // What is left typed must name the chosen person, or nobody.
      if (input.value.trim() === "") { if (select.value !== "") { select.value = ""; changed(); } }
      else { input.value = chosenLabel(); }
    });
    input.value = multiple ? "" : chosenLabel();
    drawChips();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-picker]").forEach(picker);
    placeServerErrors();
  });

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
