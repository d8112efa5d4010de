// The charts of a settlement, drawn by the service (ChartService.RenderChart
// on the very request the figures come from) as SVG, and shown as images
// (blob: URLs, allowed by the page's Content-Security-Policy; an SVG shown
// as an image runs no script). Each image's text alternative is the chart's
// title and its notes (the exact figures drawn); the caption, its title.

import { createClient, ConnectError, type Transport } from "@connectrpc/connect";
import { ChartService } from "../gen/debtcalc/v1/chart_service_pb";
import { ChartKind } from "../gen/debtcalc/v1/chart_pb";
import type { AnalyzeSettlementRequest, AnalyzeSettlementResponse } from "../gen/debtcalc/v1/settlement_pb";

interface ChartSlot {
  kind: ChartKind;
  /** Whether the settlement has what the chart draws. */
  has: (response: AnalyzeSettlementResponse) => boolean;
  /** The element the chart goes in, and the figure's id. */
  container: string;
  id: string;
}

const CHARTS: ChartSlot[] = [
  { kind: ChartKind.SCHEDULE, has: (r) => Boolean(r.schedule), container: "chart-list", id: "chart-schedule" },
  { kind: ChartKind.REINVESTMENT, has: (r) => Boolean(r.reinvestment), container: "chart-list", id: "chart-reinvestment" },
  { kind: ChartKind.GRANT_ELEMENT, has: (r) => Boolean(r.schedule), container: "chart-list", id: "chart-grant-element" },
  {
    kind: ChartKind.RECONCILIATION_WATERFALL,
    has: (r) => (r.reconciliation?.gaps.length ?? 0) > 0,
    container: "reconciliation-chart",
    id: "chart-waterfall",
  },
];

/** The blob: URLs of the charts shown, released when they are replaced. */
let shown: string[] = [];

function clear(): void {
  for (const url of shown) URL.revokeObjectURL(url);
  shown = [];
  for (const id of new Set(CHARTS.map((c) => c.container))) document.getElementById(id)?.replaceChildren();
}

/**
 * Draws the charts `response` has, for `request`; `current` tells whether
 * this is still the latest analysis (a later one wins).
 */
export async function renderCharts(
  transport: Transport,
  request: AnalyzeSettlementRequest,
  response: AnalyzeSettlementResponse,
  current: () => boolean,
): Promise<void> {
  const client = createClient(ChartService, transport);
  const wanted = CHARTS.filter((chart) => chart.has(response));
  const drawn = await Promise.allSettled(
    wanted.map((chart) =>
      client.renderChart(
        { kind: chart.kind, subject: { case: "settlement", value: request } },
        { timeoutMs: 30_000 },
      ),
    ),
  );
  if (!current()) return;
  clear();
  const section = document.getElementById("charts");
  if (section) section.hidden = !wanted.some((chart) => chart.container === "chart-list");
  drawn.forEach((result, i) => {
    const chart = wanted[i];
    const figure = document.createElement("figure");
    figure.id = chart.id;
    const caption = document.createElement("figcaption");
    if (result.status === "fulfilled") {
      const answer = result.value;
      const title = answer.conventions?.title ?? "Chart";
      const notes = answer.conventions?.notes ?? [];
      const url = URL.createObjectURL(new Blob([answer.svg.slice()], { type: "image/svg+xml" }));
      shown.push(url);
      const image = document.createElement("img");
      image.src = url;
      image.alt = [title, ...notes].join(". ");
      caption.textContent = title;
      figure.append(image, caption);
    } else {
      caption.textContent = `The chart could not be drawn: ${ConnectError.from(result.reason).rawMessage}`;
      caption.className = "field-error";
      figure.append(caption);
    }
    document.getElementById(chart.container)?.append(figure);
  });
}

/** Removes the charts (after a failed analysis). */
export function clearCharts(): void {
  clear();
}
