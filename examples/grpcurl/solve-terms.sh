#!/bin/sh
# SolveTerms: Naples debt-reduction terms for a $1 bn claim valued at 5%.
# Expected output: solve-terms.expected.json. Offline, the same bytes:
#   debtcalc call debtcalc.v1.RestructuringService/SolveTerms -d @solve-terms.json
cd "$(dirname "$0")" && exec grpcurl -plaintext -d @ "${DEBTCALC_ADDR:-127.0.0.1:50051}" \
  debtcalc.v1.RestructuringService/SolveTerms < solve-terms.json
