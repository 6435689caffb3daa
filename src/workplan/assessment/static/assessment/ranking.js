// The ranking's bar chart (ECharts, served by the app); a bar opens that unit's breakdown.
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("ranking-data");
  const node = document.getElementById("chart-ranking");
  if (!source || !node || typeof echarts === "undefined") return;
  const data = JSON.parse(source.textContent);
  if (!data.labels.length) return;
  const links = Array.from(document.querySelectorAll("table.ranking tbody tr td:nth-child(2) a")).map((a) => a.href);
  node.style.height = `${Math.max(160, 28 * data.labels.length)}px`;
  const chart = echarts.init(node);
  chart.setOption({
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: "value" },
    yAxis: { type: "category", data: data.labels, inverse: true },
    tooltip: { trigger: "axis" },
    series: [{ type: "bar", data: data.totals, itemStyle: { color: "#0b5cad" } }],
  });
  chart.on("click", (p) => { if (links[p.dataIndex]) window.location.href = links[p.dataIndex]; });
  window.addEventListener("resize", () => chart.resize());
});
