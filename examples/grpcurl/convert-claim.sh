#!/bin/sh
# ConvertClaim: 6.576 bn Soviet rubles at the Gosbank rate of 0.6 per dollar.
# Expected output: convert-claim.expected.json. Offline, the same bytes:
#   debtcalc call debtcalc.v1.ReconciliationService/ConvertClaim -d @convert-claim.json
cd "$(dirname "$0")" && exec grpcurl -plaintext -d @ "${DEBTCALC_ADDR:-127.0.0.1:50051}" \
  debtcalc.v1.ReconciliationService/ConvertClaim < convert-claim.json
