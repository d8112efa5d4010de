#!/bin/sh
# ListSettlements: the settlements of the library.
# Expected output: list-settlements.expected.json. Offline, the same bytes:
#   debtcalc call debtcalc.v1.SettlementService/ListSettlements -d @list-settlements.json
cd "$(dirname "$0")" && exec grpcurl -plaintext -d @ "${DEBTCALC_ADDR:-127.0.0.1:50051}" \
  debtcalc.v1.SettlementService/ListSettlements < list-settlements.json
