#!/bin/sh
# BuildSchedule: the DPRK's $1.09 bn in 40 equal semi-annual instalments at 0%.
# Expected output: build-schedule.expected.json. Offline, the same bytes:
#   debtcalc call debtcalc.v1.RestructuringService/BuildSchedule -d @build-schedule.json
cd "$(dirname "$0")" && exec grpcurl -plaintext -d @ "${DEBTCALC_ADDR:-127.0.0.1:50051}" \
  debtcalc.v1.RestructuringService/BuildSchedule < build-schedule.json
