#!/bin/sh
# ValueRestructuring: the $10.96 bn claim against $1.09 bn repaid over 20 years, valued at 5%.
# Expected output: value-restructuring.expected.json. Offline, the same bytes:
#   debtcalc call debtcalc.v1.RestructuringService/ValueRestructuring -d @value-restructuring.json
cd "$(dirname "$0")" && exec grpcurl -plaintext -d @ "${DEBTCALC_ADDR:-127.0.0.1:50051}" \
  debtcalc.v1.RestructuringService/ValueRestructuring < value-restructuring.json
