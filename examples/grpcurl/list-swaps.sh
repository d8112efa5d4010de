#!/bin/sh
# ListSwaps: the swaps of the library, with their kinds and sources.
# Expected output: list-swaps.expected.json. Offline, the same bytes:
#   debtcalc call debtcalc.v1.SwapService/ListSwaps -d @list-swaps.json
cd "$(dirname "$0")" && exec grpcurl -plaintext -d @ "${DEBTCALC_ADDR:-127.0.0.1:50051}" \
  debtcalc.v1.SwapService/ListSwaps < list-swaps.json
