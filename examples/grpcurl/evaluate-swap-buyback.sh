#!/bin/sh
# EvaluateSwap, buyback with new financing: a USD 10 m loan at par and a
# USD 20 m bond at 60 refinanced by a USD 22 m loan at 3% with a 1% fee,
# USD 500,000 a year for conservation, 5% mid-year (the README's example).
# Expected output: evaluate-swap-buyback.expected.json. Offline, the same bytes:
#   debtcalc call debtcalc.v1.SwapService/EvaluateSwap -d @evaluate-swap-buyback.json
cd "$(dirname "$0")" && exec grpcurl -plaintext -d @ "${DEBTCALC_ADDR:-127.0.0.1:50051}" \
  debtcalc.v1.SwapService/EvaluateSwap < evaluate-swap-buyback.json
