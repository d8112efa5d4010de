// Charts: the server of this version has no chart service, so the page
// shows none (the section stays hidden).

import type { Transport } from "@connectrpc/connect";
import type { AnalyzeSettlementRequest, AnalyzeSettlementResponse } from "../gen/debtcalc/v1/settlement_pb";

export async function renderCharts(
  _transport: Transport,
  _request: AnalyzeSettlementRequest,
  _response: AnalyzeSettlementResponse,
  _current: () => boolean,
): Promise<void> {
  const section = document.getElementById("charts");
  if (section) section.hidden = true;
}

/** Removes the charts (after a failed analysis): there are none. */
export function clearCharts(): void {}
