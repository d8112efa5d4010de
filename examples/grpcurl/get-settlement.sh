#!/bin/sh
# GetSettlement: the DPRK settlement's facts, sources, assumptions and request.
# Expected output: get-settlement.expected.json. Offline, the same bytes:
#   debtcalc call debtcalc.v1.SettlementService/GetSettlement -d @get-settlement.json
cd "$(dirname "$0")" && exec grpcurl -plaintext -d @ "${DEBTCALC_ADDR:-127.0.0.1:50051}" \
  debtcalc.v1.SettlementService/GetSettlement < get-settlement.json
