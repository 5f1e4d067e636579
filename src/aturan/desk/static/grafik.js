// Draws each chart of a lab results page: a div.grafik carries its plotly figure as JSON in
// data-gambar (written by aturan.desk.lab_charts); plotly.min.js is served by the desk itself.
"use strict";
document.querySelectorAll("div.grafik[data-gambar]").forEach(function (element) {
  var figure = JSON.parse(element.dataset.gambar);
  window.Plotly.newPlot(element, figure.data, figure.layout, {
    responsive: true,
    displaylogo: false,
  });
});
