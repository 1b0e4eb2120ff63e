/* Draws every chart of the page with ECharts (committed under vendor/): the option is plain data that
 * the server put in a <script type="application/json"> (json_script), so the page needs no inline
 * script. A bar of a per-unit chart opens that unit (the drill-down), like the link in its table. */
(function () {
  "use strict";
  var PALETTE = ["#2f7d32", "#1565c0", "#b26a00", "#6a1b9a", "#c62828"];

  function draw() {
    if (!window.echarts) { return; }
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var src = document.getElementById(el.getAttribute("data-chart"));
      if (!src) { return; }
      var option = JSON.parse(src.textContent);
      option.color = PALETTE;
      option.aria = { enabled: true };
      var chart = window.echarts.init(el, null, { locale: "VI", renderer: "svg" });
      chart.setOption(option);
      var links = el.closest(".card") ? el.closest(".card").querySelectorAll("tbody a[href]") : [];
      if (links.length) {
        chart.on("click", function (params) {
          var link = links[params.dataIndex];
          if (link) { window.location.href = link.getAttribute("href"); }
        });
      }
      el.setAttribute("data-rendered", "1");
      charts.push(chart);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
