#!/bin/sh
# AssessConcessionality: the DPRK's repayment under the IMF / World Bank convention (5%, 35%).
# Expected output: assess-concessionality.expected.json. Offline, the same bytes:
#   debtcalc call debtcalc.v1.RestructuringService/AssessConcessionality -d @assess-concessionality.json
cd "$(dirname "$0")" && exec grpcurl -plaintext -d @ "${DEBTCALC_ADDR:-127.0.0.1:50051}" \
  debtcalc.v1.RestructuringService/AssessConcessionality < assess-concessionality.json
