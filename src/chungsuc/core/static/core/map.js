/* The offline choropleth (ECharts from vendor/): boundaries from our own URL (GeoJSON, compressed),
 * values from a json_script in the page; no tile server, no inline script. Clicking a commune opens
 * its page. */
(function () {
  "use strict";
  var STANDARD_COLOURS = ["#e0e0e0", "#81c784", "#2e7d32", "#1b5e20"];

  function draw(el) {
    var payload = JSON.parse(document.getElementById(el.getAttribute("data-map-payload")).textContent);
    fetch(el.getAttribute("data-boundaries"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (geo) {
        var name = "chungsuc-" + payload.on;
        window.echarts.registerMap(name, geo);
        var byId = {};
        payload.values.forEach(function (v) { byId[v.id] = v; });
        var data = geo.features.map(function (f) {
          var v = byId[f.properties.id];
          return { name: f.properties.code, unitName: f.properties.name, id: f.properties.id,
                   value: v ? v.value : null, label: v ? v.label : "" };
        });
        var visual;
        if (payload.colour === "standard") {
          visual = {
            type: "piecewise", left: 0, bottom: 0,
            pieces: payload.legend.map(function (l, i) {
              return { value: l.value, label: l.label, color: STANDARD_COLOURS[i % STANDARD_COLOURS.length] };
            })
          };
        } else {
          visual = { type: "continuous", min: 0, max: payload.max || 19, left: 0, bottom: 0, calculable: false,
                     text: [String(payload.max || 19), "0"], inRange: { color: ["#ffebee", "#fff59d", "#2e7d32"] } };
        }
        var chart = window.echarts.init(el, null, { locale: "VI", renderer: "svg" });
        chart.setOption({
          aria: { enabled: true },
          tooltip: { trigger: "item", formatter: function (p) {
            if (!p.data) { return ""; }
            return p.data.unitName + (p.data.label ? ": " + p.data.label : ""); } },
          visualMap: visual,
          series: [{ type: "map", map: name, roam: true, nameProperty: "code", data: data,
                     label: { show: false }, emphasis: { label: { show: false } }, selectedMode: false }]
        });
        chart.on("click", function (p) {
          if (p.data && p.data.id && payload.unit_url) {
            window.location.href = payload.unit_url.replace("{id}", p.data.id);
          }
        });
        window.addEventListener("resize", function () { chart.resize(); });
        el.setAttribute("data-rendered", String(geo.features.length));
      })
      .catch(function () {
        el.setAttribute("data-rendered", "error");
        el.textContent = el.getAttribute("data-error") || "Không tải được bản đồ; xem danh sách bên dưới.";
      });
  }

  function start() {
    if (!window.echarts) { return; }
    document.querySelectorAll("[data-map-payload]").forEach(draw);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
