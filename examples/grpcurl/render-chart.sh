#!/bin/sh
# RenderChart: the DPRK's 1:5000 valuation gap as a waterfall on a log axis
# (the SVG document is the base64 "svg" field; `debtcalc settlement
# dprk-2014 --chart FILE.svg --chart-kind waterfall` writes it to a file).
# Expected output: render-chart.expected.json. Offline, the same bytes:
#   debtcalc call debtcalc.v1.ChartService/RenderChart -d @render-chart.json
cd "$(dirname "$0")" && exec grpcurl -plaintext -d @ "${DEBTCALC_ADDR:-127.0.0.1:50051}" \
  debtcalc.v1.ChartService/RenderChart < render-chart.json
