#!/bin/sh
# EvaluateBatch: a stream of three items (a split, a schedule of what remains, a bad amount),
# answered in order, the bad one with its error. Expected output: evaluate-batch.expected.json.
# Offline, the same bytes:
#   debtcalc call debtcalc.v1.BatchService/EvaluateBatch -d @evaluate-batch.json
cd "$(dirname "$0")" && exec grpcurl -plaintext -d @ "${DEBTCALC_ADDR:-127.0.0.1:50051}" \
  debtcalc.v1.BatchService/EvaluateBatch < evaluate-batch.json
