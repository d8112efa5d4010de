// Shows an AnalyzeSettlement response on the page: the figures, the
// valuations, the reconciliation, the schedule and the warnings, each as
// the service wrote it (amounts grouped by thousands, shares as percents).

import type { AnalyzeSettlementResponse } from "../gen/debtcalc/v1/settlement_pb";
import { ConcessionalityConvention } from "../gen/debtcalc/v1/valuation_pb";
import { Dimension } from "../gen/debtcalc/v1/reconciliation_pb";
import { groupDigits, isoDate, money, percent } from "./format";

function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

function element(tag: string, text = "", attributes: Record<string, string> = {}): HTMLElement {
  const node = document.createElement(tag);
  node.textContent = text;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

/** Appends a term and its description to a <dl>. */
function figure(list: HTMLElement, term: string, description: string, id = ""): void {
  list.append(element("dt", term));
  list.append(element("dd", description, id ? { id } : {}));
}

/** A table row of cells (the first a row header). */
function row(cells: string[]): HTMLTableRowElement {
  const tr = document.createElement("tr");
  cells.forEach((text, i) => tr.append(element(i === 0 ? "th" : "td", text, i === 0 ? { scope: "row" } : {})));
  return tr;
}

const CONVENTION_NAMES: Record<number, string> = {
  [ConcessionalityConvention.IMF_WORLD_BANK]: "IMF/World Bank",
  [ConcessionalityConvention.OECD_DAC]: "OECD DAC",
};

const DIMENSION_NAMES: Record<number, string> = {
  [Dimension.CONVERSION]: "conversion",
  [Dimension.COMPONENT]: "components recognised",
  [Dimension.OFFSETS]: "offsets",
};

/** Empties every result area (before new figures, or after an error). */
export function clearResults(): void {
  for (const id of ["figures", "concessionality", "reconciliation", "warnings"]) byId(id).replaceChildren();
  for (const id of ["valuations", "contributions", "schedule"]) {
    byId<HTMLTableElement>(id).tBodies[0].replaceChildren();
  }
  byId("provenance").textContent = "";
  byId("schedule-summary").textContent = "Repayment schedule";
  byId("reconciliation-none").hidden = true;
  byId("contributions").hidden = true;
}

/** Shows `response`. */
export function renderResponse(response: AnalyzeSettlementResponse): void {
  clearResults();
  const figures = byId("figures");
  const conversion = response.conversions[0];
  figure(
    figures,
    "Settlement claim",
    money(response.claim) + (conversion ? ` (from ${money(conversion.source)})` : ""),
    "figure-claim",
  );
  if (response.offsets && /[1-9]/.test(response.offsets.amount)) {
    figure(figures, "Offsets deducted", money(response.offsets));
  }
  const split = response.split;
  if (split) {
    figure(figures, "Written off", `${money(split.writtenOff)} (${percent(split.writeOffShare)})`, "figure-written-off");
    figure(figures, "Remaining", money(split.remaining), "figure-remaining");
  }
  const schedule = response.schedule;
  if (schedule) {
    const installments = schedule.installments;
    const first = installments[0];
    const last = installments[installments.length - 1];
    const count = `${installments.length} instalment${installments.length === 1 ? "" : "s"}`;
    figure(
      figures,
      "Instalments",
      first && last
        ? `${count}: first ${money(first.payment)} due ${isoDate(first.dueDate)}, last ${money(last.payment)} due ${isoDate(last.dueDate)}`
        : count,
      "figure-installments",
    );
    figure(figures, "Total payments", `${money(schedule.totalPayment)} (interest ${money(schedule.totalInterest)})`);
    byId("schedule-summary").textContent = `Repayment schedule: ${count}`;
    const body = byId<HTMLTableElement>("schedule").tBodies[0];
    for (const installment of installments) {
      body.append(
        row([
          String(installment.number ?? ""),
          isoDate(installment.dueDate),
          money(installment.principal),
          money(installment.interest),
          money(installment.payment),
          money(installment.outstandingAfter),
        ]),
      );
    }
  }
  const fund = response.reinvestment;
  if (fund) {
    const programs = fund.programs.map((p) => `${p.name} ${money(p.total)}`).join("; ");
    figure(figures, "Paid into the fund", `${money(fund.fundTotal)}${programs ? ` (${programs})` : ""}`);
  }

  const valuations = byId<HTMLTableElement>("valuations").tBodies[0];
  for (const rate of response.valuations) {
    const valuation = rate.valuation;
    valuations.append(
      row([
        percent(rate.discountRate),
        money(valuation?.newDebt?.presentValue),
        valuation ? percent(valuation.grantElementAtDiscountRate) : "—",
        valuation ? percent(valuation.nominalHaircut) : "—",
      ]),
    );
  }
  const concessionality = byId("concessionality");
  for (const assessed of response.concessionality) {
    const name = CONVENTION_NAMES[assessed.convention] ?? String(assessed.convention);
    const verdict = assessed.concessional ? "concessional" : "not concessional";
    concessionality.append(
      element(
        "li",
        `${name}: grant element ${percent(assessed.grantElement)} at ${percent(assessed.discountRate)} ` +
          `(threshold ${percent(assessed.threshold)}): ${verdict}`,
      ),
    );
  }

  byId("reconciliation-none").hidden = Boolean(response.reconciliation?.gaps.length);
  renderReconciliation(response);

  const warnings = byId("warnings");
  if (response.warnings.length === 0) warnings.append(element("li", "None."));
  for (const warning of response.warnings) {
    warnings.append(element("li", `${warning.code} at ${warning.field}: ${warning.message}`));
  }
  const provenance = response.conventions?.provenance;
  if (provenance) {
    byId("provenance").textContent =
      `Computed by debtcalc ${provenance.debtcalcVersion}; request source "${response.conventions?.requestSource}"; ` +
      `reference data ${provenance.referenceDataSource} ${provenance.referenceDataVersion}.`;
  }
}

/** The reconciliation view: both figures, the gap, the ratio, what makes it. */
function renderReconciliation(response: AnalyzeSettlementResponse): void {
  const reconciliation = response.reconciliation;
  const gap = reconciliation?.gaps[0];
  if (!reconciliation || !gap) return;
  byId("reconciliation-none").hidden = true;
  const list = byId("reconciliation");
  const creditor = reconciliation.parties.find((p) => p.name === gap.creditor);
  const debtor = reconciliation.parties.find((p) => p.name === gap.party);
  figure(list, `${gap.creditor}'s figure (creditor)`, money(creditor?.value), "figure-creditor");
  figure(list, `${gap.party}'s figure (debtor)`, money(debtor?.value), "figure-debtor");
  figure(list, "Gap", money(gap.amount));
  figure(
    list,
    "Ratio",
    `1:${gap.ratio}${gap.ratioExact ? " exactly" : ""} (${gap.party}'s figure to ${gap.creditor}'s)`,
    "figure-ratio",
  );
  const contributions = byId<HTMLTableElement>("contributions");
  contributions.hidden = gap.contributions.length === 0;
  for (const contribution of gap.contributions) {
    contributions.tBodies[0].append(
      row([
        DIMENSION_NAMES[contribution.dimension] ?? String(contribution.dimension),
        contribution.creditorChoice,
        contribution.partyChoice,
        contribution.logShare ? percent(contribution.logShare) : "—",
        money(contribution.amount),
      ]),
    );
  }
}

export { byId, element, groupDigits };
