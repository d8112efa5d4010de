// The debtcalc web page: picks a settlement from the library (or takes one
// entered as a whole request), lets the write-off, the terms and the
// discount rates be changed, and shows what AnalyzeSettlement answers. It
// calls the server that served it, with gRPC-Web (the client generated
// from proto/ by protoc-gen-es, the transport of connect-web), so every
// figure on the page is the service's own.

import { fromJson, toJson, type JsonObject, type JsonValue } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { SettlementService } from "../gen/debtcalc/v1/settlement_service_pb";
import { AnalyzeSettlementRequestSchema } from "../gen/debtcalc/v1/settlement_pb";
import { clearFieldErrors, fieldErrors, showFieldError } from "./errors";
import { clearResults, renderResponse, byId } from "./render";
import { clearCharts, renderCharts } from "./charts";

/** Sends the access token, when one is entered. */
const withToken: Interceptor = (next) => async (request) => {
  const token = byId<HTMLInputElement>("token").value.trim();
  if (token) request.header.set("authorization", `Bearer ${token}`);
  return next(request);
};

const transport = createGrpcWebTransport({
  baseUrl: window.location.origin,
  interceptors: [withToken],
});
const settlements = createClient(SettlementService, transport);

/** The request being edited, as protobuf JSON. */
type Json = { [key: string]: JsonValue };

/** A settlement entered by hand starts from this request. */
const OWN_SETTLEMENT: Json = {
  claim: { parts: [{ amount: { currencyCode: "USD", amount: "1000000000" } }] },
  writeOff: { writeOffShare: "0.5" },
  repayment: {
    loanTerms: {
      firstPaymentDate: { year: 2026, month: 1, day: 1 },
      frequency: "FREQUENCY_SEMI_ANNUAL",
      installmentCount: 20,
      annualRate: "0.01",
    },
  },
  valuation: { discountRates: ["0.05"] },
  concessionalityConventions: ["CONCESSIONALITY_CONVENTION_IMF_WORLD_BANK"],
};
const OWN = "own";

const input = (id: string) => byId<HTMLInputElement>(id);
const requestEditor = () => byId<HTMLTextAreaElement>("request-json");
const status = (text: string) => {
  byId("form-status").textContent = text;
};

function object(value: JsonValue | undefined): Json | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Json) : undefined;
}

/** The request in the editor (`undefined`, with the error shown, if it is not JSON). */
function editedRequest(): Json | undefined {
  try {
    const parsed = object(JSON.parse(requestEditor().value) as JsonValue);
    if (!parsed) throw new Error("expected a JSON object");
    return parsed;
  } catch (e) {
    showFieldError("request-json", `Not a request: ${(e as Error).message}`);
    return undefined;
  }
}

function setEditor(request: Json): void {
  requestEditor().value = JSON.stringify(request, null, 2);
}

/** Fills the inputs from `request`. */
function fieldsFromRequest(request: Json): void {
  const part = object((request.claim as Json | undefined)?.parts instanceof Array ? ((request.claim as Json).parts as JsonValue[])[0] : undefined);
  const amount = object(part?.amount);
  input("claim-amount").value = String(amount?.amount ?? "");
  input("claim-currency").value = String(amount?.currencyCode ?? "");
  const writeOff = object(request.writeOff);
  input("write-off").value = String(writeOff?.writeOffShare ?? "");
  const repayment = object(request.repayment);
  const terms = object(repayment?.loanTerms);
  const preset = object(repayment?.preset);
  const editable = !preset;
  for (const id of ["installments", "frequency", "annual-rate", "grace-periods", "first-payment", "write-off"]) {
    (byId(id) as HTMLInputElement).disabled = !editable;
  }
  byId("terms-note").textContent = preset
    ? `This settlement is repaid on the Paris Club treatment ${String(preset.presetId ?? "")}, whose ` +
      "cancellation share is the write-off: edit it in the whole request below."
    : "";
  input("installments").value = String(terms?.installmentCount ?? "");
  byId<HTMLSelectElement>("frequency").value = String(terms?.frequency ?? "FREQUENCY_SEMI_ANNUAL");
  input("annual-rate").value = String(terms?.annualRate ?? "");
  input("grace-periods").value = String(terms?.gracePeriods ?? "");
  const date = object(terms?.firstPaymentDate);
  input("first-payment").value = date
    ? `${String(date.year).padStart(4, "0")}-${String(date.month).padStart(2, "0")}-${String(date.day).padStart(2, "0")}`
    : "";
  const rates = object(request.valuation)?.discountRates;
  input("discount-rates").value = Array.isArray(rates) ? rates.join(", ") : "";
}

/**
 * Writes the inputs into `request`; `false` (with the error shown next to
 * the input) for an input that cannot be put into a request at all (a
 * count that is not a whole number). Everything else goes to the service
 * as typed, and the service judges it.
 */
function fieldsIntoRequest(request: Json): boolean {
  let ok = true;
  const claim = object(request.claim) ?? {};
  const parts = Array.isArray(claim.parts) ? (claim.parts as JsonValue[]) : [];
  const amount = input("claim-amount").value.trim();
  const currency = input("claim-currency").value.trim();
  if (parts.length > 0 || amount || currency) {
    const part = object(parts[0]) ?? {};
    part.amount = { currencyCode: currency, amount };
    parts[0] = part;
    claim.parts = parts;
    request.claim = claim;
  }
  const repayment = object(request.repayment);
  if (!object(repayment?.preset)) {
    const share = input("write-off").value.trim();
    if (share) request.writeOff = { ...(object(request.writeOff) ?? {}), writeOffShare: share };
    else delete request.writeOff;
    if (object(request.writeOff)) delete (request.writeOff as Json).remaining;
  }
  // Terms are written when the request has loan terms or one is typed: a
  // settlement without a repayment keeps none.
  const termsTyped = ["installments", "annual-rate", "grace-periods", "first-payment"].some(
    (id) => input(id).value.trim() !== "",
  );
  if (!object(repayment?.preset) && (object(repayment?.loanTerms) || termsTyped)) {
    const terms: Json = { ...(object(repayment?.loanTerms) ?? {}) };
    const count = (id: string, key: string) => {
      const text = input(id).value.trim();
      if (text === "") {
        delete terms[key];
      } else if (/^\d{1,10}$/.test(text)) {
        terms[key] = Number(text);
      } else {
        showFieldError(id, `Expected a whole number of instalments or periods, got "${text}".`);
        ok = false;
      }
    };
    count("installments", "installmentCount");
    count("grace-periods", "gracePeriods");
    terms.frequency = byId<HTMLSelectElement>("frequency").value;
    const rate = input("annual-rate").value.trim();
    if (rate) terms.annualRate = rate;
    else delete terms.annualRate;
    const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(input("first-payment").value);
    if (date) terms.firstPaymentDate = { year: Number(date[1]), month: Number(date[2]), day: Number(date[3]) };
    else delete terms.firstPaymentDate;
    request.repayment = { loanTerms: terms };
  }
  const rates = input("discount-rates")
    .value.split(",")
    .map((r) => r.trim())
    .filter((r) => r !== "");
  const valuation = object(request.valuation);
  if (rates.length > 0) request.valuation = { ...(valuation ?? {}), discountRates: rates };
  else if (valuation) delete valuation.discountRates;
  return ok;
}

let latest = 0;
/** The editor was changed by hand since the inputs were last filled from it. */
let editorChanged = false;

/** Runs AnalyzeSettlement on the request as edited and shows the answer. */
async function analyse(): Promise<void> {
  const call = ++latest;
  clearFieldErrors();
  byId("general-error").textContent = "";
  const request = editedRequest();
  if (!request) return;
  if (editorChanged) {
    fieldsFromRequest(request);
    editorChanged = false;
  }
  if (!fieldsIntoRequest(request)) {
    status("Not sent: correct the marked field.");
    return;
  }
  setEditor(request);
  let message;
  try {
    message = fromJson(AnalyzeSettlementRequestSchema, request as JsonObject);
  } catch (e) {
    showFieldError("request-json", `Not an AnalyzeSettlement request: ${(e as Error).message}`);
    status("Not sent: the request is not valid.");
    return;
  }
  status("Analysing…");
  byId("results").setAttribute("aria-busy", "true");
  try {
    const response = await settlements.analyzeSettlement(message, { timeoutMs: 30_000 });
    if (call !== latest) return;
    renderResponse(response);
    status(`Updated: ${response.schedule?.installments.length ?? 0} instalments.`);
    await renderCharts(transport, message, response, () => call === latest);
  } catch (e) {
    if (call !== latest) return;
    showError(e);
  } finally {
    if (call === latest) byId("results").removeAttribute("aria-busy");
  }
}

/** Shows a failed call: each field violation next to its input. */
function showError(e: unknown): void {
  clearResults();
  clearCharts();
  const error = ConnectError.from(e);
  const violations = fieldErrors(error);
  const byInput = new Map<string, string[]>();
  for (const v of violations) byInput.set(v.input, [...(byInput.get(v.input) ?? []), v.message]);
  for (const [id, messages] of byInput) showFieldError(id, messages.join(" "));
  const first = violations[0];
  if (first) {
    status(`The service refused the request (${Code[error.code]}): see the marked field.`);
    const field = document.getElementById(first.input);
    if (field instanceof HTMLElement && !field.hasAttribute("disabled")) field.focus();
  } else {
    status(`The service refused the request (${Code[error.code]}).`);
    byId("general-error").textContent = `${Code[error.code]}: ${error.rawMessage}`;
  }
}

/** Loads a settlement of the library (or the hand-entered template) and analyses it. */
let loading = 0;

async function load(id: string): Promise<void> {
  // A later choice wins over a library answer still on its way.
  const mine = ++loading;
  status(`Loading ${id === OWN ? "your own settlement" : id}…`);
  clearFieldErrors();
  byId("settlement-title").textContent = "";
  if (id === OWN || id === "") {
    setEditor(structuredClone(OWN_SETTLEMENT));
    fieldsFromRequest(OWN_SETTLEMENT);
    byId("settlement-title").textContent = "Your own settlement: enter the claim and the terms.";
    await analyse();
    return;
  }
  try {
    const answer = await settlements.getSettlement({ id }, { timeoutMs: 30_000 });
    if (mine !== loading) return;
    const settlement = answer.settlement;
    if (!settlement?.request) throw new Error(`the library has no request for ${id}`);
    const request = toJson(AnalyzeSettlementRequestSchema, settlement.request) as Json;
    setEditor(request);
    fieldsFromRequest(request);
    editorChanged = false;
    byId("settlement-title").textContent = settlement.title;
  } catch (e) {
    if (mine === loading) showFieldError("settlement", ConnectError.from(e).rawMessage);
    return;
  }
  await analyse();
}

/** Fills the list of settlements from the library. */
async function loadLibrary(): Promise<void> {
  const select = byId<HTMLSelectElement>("settlement");
  try {
    const list = await settlements.listSettlements({}, { timeoutMs: 30_000 });
    const options = list.settlements.map((s) => {
      const option = document.createElement("option");
      option.value = s.id;
      option.textContent = `${s.id}: ${s.title}`;
      return option;
    });
    const own = document.createElement("option");
    own.value = OWN;
    own.textContent = "Your own settlement (enter it)";
    select.replaceChildren(...options, own);
    const wanted = new URLSearchParams(window.location.search).get("settlement");
    select.value = wanted && list.settlements.some((s) => s.id === wanted) ? wanted : (options[0]?.value ?? OWN);
  } catch (e) {
    showFieldError("settlement", `Cannot list the library: ${ConnectError.from(e).rawMessage}`);
    select.replaceChildren(new Option("Your own settlement (enter it)", OWN));
  }
  await load(select.value);
}

function start(): void {
  const form = byId<HTMLFormElement>("settlement-form");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void analyse();
  });
  byId("settlement").addEventListener("change", (event) => {
    void load((event.target as HTMLSelectElement).value);
  });
  // Figures follow the inputs: at once for a choice, shortly after typing stops.
  let timer: number | undefined;
  for (const id of ["claim-amount", "claim-currency", "write-off", "installments", "annual-rate", "grace-periods", "discount-rates"]) {
    byId(id).addEventListener("input", () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => void analyse(), 500);
    });
  }
  for (const id of ["frequency", "first-payment"]) {
    byId(id).addEventListener("change", () => void analyse());
  }
  requestEditor().addEventListener("input", () => {
    editorChanged = true;
  });
  requestEditor().addEventListener("change", () => void analyse());
  void loadLibrary();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
