#!/bin/sh
# ListConversionBases: the sourced conversion rates and redenominations.
# Expected output: list-conversion-bases.expected.json. Offline, the same bytes:
#   debtcalc call debtcalc.v1.ReconciliationService/ListConversionBases -d @list-conversion-bases.json
cd "$(dirname "$0")" && exec grpcurl -plaintext -d @ "${DEBTCALC_ADDR:-127.0.0.1:50051}" \
  debtcalc.v1.ReconciliationService/ListConversionBases < list-conversion-bases.json
