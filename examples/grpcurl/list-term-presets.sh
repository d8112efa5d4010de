#!/bin/sh
# ListTermPresets: the Paris Club terms SolveTerms knows, with their sources.
# Expected output: list-term-presets.expected.json. Offline, the same bytes:
#   debtcalc call debtcalc.v1.RestructuringService/ListTermPresets -d @list-term-presets.json
cd "$(dirname "$0")" && exec grpcurl -plaintext -d @ "${DEBTCALC_ADDR:-127.0.0.1:50051}" \
  debtcalc.v1.RestructuringService/ListTermPresets < list-term-presets.json
