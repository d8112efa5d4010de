#!/bin/sh
# GetSwap: Russia - Mozambique 2017, its facts, sources, assumptions and request.
# Expected output: get-swap.expected.json. Offline, the same bytes:
#   debtcalc call debtcalc.v1.SwapService/GetSwap -d @get-swap.json
cd "$(dirname "$0")" && exec grpcurl -plaintext -d @ "${DEBTCALC_ADDR:-127.0.0.1:50051}" \
  debtcalc.v1.SwapService/GetSwap < get-swap.json
