#!/bin/sh
# SplitClaim: the DPRK settlement, 90% of $10.96 bn written off, the rest shared by three programmes.
# Expected output: split-claim.expected.json. Offline, the same bytes:
#   debtcalc call debtcalc.v1.RestructuringService/SplitClaim -d @split-claim.json
cd "$(dirname "$0")" && exec grpcurl -plaintext -d @ "${DEBTCALC_ADDR:-127.0.0.1:50051}" \
  debtcalc.v1.RestructuringService/SplitClaim < split-claim.json
