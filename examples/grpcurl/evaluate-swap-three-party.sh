#!/bin/sh
# EvaluateSwap, three-party: Bolivia 1987, USD 650,000 face bought for
# 100,000 and redeemed into a fund of 250,000.
# Expected output: evaluate-swap-three-party.expected.json. Offline, the same bytes:
#   debtcalc call debtcalc.v1.SwapService/EvaluateSwap -d @evaluate-swap-three-party.json
cd "$(dirname "$0")" && exec grpcurl -plaintext -d @ "${DEBTCALC_ADDR:-127.0.0.1:50051}" \
  debtcalc.v1.SwapService/EvaluateSwap < evaluate-swap-three-party.json
