#!/bin/sh
# SweepValuation: the $10.96 bn claim, 90% or 95% written off and the rest repaid over 20
# years, valued at 5% and at 9% (a 2 x 2 grid; every cell is the ValueRestructuring of its pair).
# Expected output: sweep-valuation.expected.json. Offline, the same bytes:
#   debtcalc call debtcalc.v1.RestructuringService/SweepValuation -d @sweep-valuation.json
cd "$(dirname "$0")" && exec grpcurl -plaintext -d @ "${DEBTCALC_ADDR:-127.0.0.1:50051}" \
  debtcalc.v1.RestructuringService/SweepValuation < sweep-valuation.json
