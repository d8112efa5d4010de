#!/bin/sh
# AnalyzeSettlement: the whole DPRK settlement of the library in one call.
# Expected output: analyze-settlement.expected.json. Offline, the same bytes:
#   debtcalc call debtcalc.v1.SettlementService/AnalyzeSettlement -d @analyze-settlement.json
cd "$(dirname "$0")" && exec grpcurl -plaintext -d @ "${DEBTCALC_ADDR:-127.0.0.1:50051}" \
  debtcalc.v1.SettlementService/AnalyzeSettlement < analyze-settlement.json
