// Dashboard charts (ECharts, served by the app). Every bar and cell links to the items behind it.
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("chart-data");
  const box = document.querySelector(".charts");
  if (!source || !box || typeof echarts === "undefined") return;
  const data = JSON.parse(source.textContent);
  const treeUrl = box.dataset.treeUrl;
  const asOf = box.dataset.asOf;
  const go = (query) => { window.location.href = `${treeUrl}?${query}&as_of=${asOf}`; };
  const colour = "#0b5cad";
  // Tooltips are drawn on the canvas (renderMode "richText"), never as HTML: names a planner or a
  // unit typed cannot become markup, and no inline style attribute meets the CSP.
  const bars = (id, series, key) => {
    const node = document.getElementById(id);
    if (!node || !series.labels.length) return;
    const chart = echarts.init(node);
    chart.setOption({
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      yAxis: { type: "category", data: series.labels, inverse: true },
      tooltip: { renderMode: "richText", trigger: "axis", valueFormatter: (v) => `${v}%` },
      series: [{ type: "bar", data: series.values, itemStyle: { color: colour } }],
    });
    chart.on("click", (p) => go(`${key}=${series.ids[p.dataIndex]}`));
    window.addEventListener("resize", () => chart.resize());
  };
  bars("chart-parts", data.parts, "part");
  bars("chart-units", data.units, "unit");
  const trend = document.getElementById("chart-trend");
  if (trend && data.trend.labels.length) {
    const chart = echarts.init(trend);
    chart.setOption({
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.trend.labels },
      yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      tooltip: { renderMode: "richText", trigger: "axis", valueFormatter: (v) => `${v}%` },
      series: [{ type: "line", data: data.trend.values, itemStyle: { color: colour } }],
    });
    window.addEventListener("resize", () => chart.resize());
  }
  const heat = document.getElementById("chart-heat");
  if (heat && data.heat.values.length) {
    const chart = echarts.init(heat);
    chart.setOption({
      grid: { left: 8, right: 8, top: 8, bottom: 48, containLabel: true },
      xAxis: { type: "category", data: data.heat.parts },
      yAxis: { type: "category", data: data.heat.units, inverse: true },
      visualMap: { min: 0, max: 100, orient: "horizontal", left: "center", bottom: 0, inRange: { color: ["#a4161a", "#f5a623", "#2e7d32"] } },
      tooltip: { renderMode: "richText", formatter: (p) => `${data.heat.units[p.value[1]]} · ${data.heat.parts[p.value[0]]}: ${p.value[2]}%` },
      series: [{ type: "heatmap", data: data.heat.values, label: { show: true, formatter: (p) => `${p.value[2]}` } }],
    });
    chart.on("click", (p) => go(`unit=${data.units.ids[data.units.labels.indexOf(data.heat.units[p.value[1]])]}&part=${data.parts.ids[p.value[0]]}`));
    window.addEventListener("resize", () => chart.resize());
  }
});
