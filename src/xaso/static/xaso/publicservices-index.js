/* xaso — the 12-month trend of the service-quality index (ECharts, served from
   /static/vendor/). The page gives the JSON URL in data-url; the same numbers fill a table for
   screen readers. No inline script: CSP allows only files from this server. */
(function () {
  "use strict";

  function fillTable(data) {
    var body = document.querySelector("#ps-trend-table tbody");
    if (!body) return;
    data.months.forEach(function (month, i) {
      var row = document.createElement("tr");
      var cellMonth = document.createElement("td");
      cellMonth.textContent = month;
      var cellPoints = document.createElement("td");
      cellPoints.className = "num";
      cellPoints.textContent = data.total[i].toFixed(2);
      row.append(cellMonth, cellPoints);
      body.append(row);
    });
  }

  function draw(box, data) {
    if (!window.echarts) return;
    var chart = window.echarts.init(box);
    var series = [{
      name: box.dataset.totalLabel,
      type: "line",
      data: data.total,
      smooth: true,
      symbolSize: 7,
      lineStyle: { width: 3, color: "#1f4e79" },
      itemStyle: { color: "#1f4e79" },
      yAxisIndex: 0
    }];
    data.groups.forEach(function (group) {
      series.push({
        name: group.name + " (" + group.max + ")",
        type: "bar",
        stack: "groups",
        data: group.points,
        yAxisIndex: 0,
        emphasis: { focus: "series" }
      });
    });
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { type: "scroll", bottom: 0 },
      grid: { left: 40, right: 16, top: 16, bottom: 56 },
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value", min: 0, max: 100 },
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function start() {
    var box = document.getElementById("ps-trend");
    if (!box) return;
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        fillTable(data);
        draw(box, data);
      })
      .catch(function () {
        box.textContent = box.dataset.error;
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
