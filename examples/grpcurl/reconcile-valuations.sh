#!/bin/sh
# ReconcileValuations: the 1:5000 gap between Russia's and the DPRK's valuations.
# Expected output: reconcile-valuations.expected.json. Offline, the same bytes:
#   debtcalc call debtcalc.v1.ReconciliationService/ReconcileValuations -d @reconcile-valuations.json
cd "$(dirname "$0")" && exec grpcurl -plaintext -d @ "${DEBTCALC_ADDR:-127.0.0.1:50051}" \
  debtcalc.v1.ReconciliationService/ReconcileValuations < reconcile-valuations.json
