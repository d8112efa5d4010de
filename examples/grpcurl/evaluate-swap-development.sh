#!/bin/sh
# EvaluateSwap, debt-for-development: USD 10 m cancelled, half of it paid
# in meticais over two years into a fund for two programmes.
# Expected output: evaluate-swap-development.expected.json. Offline, the same bytes:
#   debtcalc call debtcalc.v1.SwapService/EvaluateSwap -d @evaluate-swap-development.json
cd "$(dirname "$0")" && exec grpcurl -plaintext -d @ "${DEBTCALC_ADDR:-127.0.0.1:50051}" \
  debtcalc.v1.SwapService/EvaluateSwap < evaluate-swap-development.json
