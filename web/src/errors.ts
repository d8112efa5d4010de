// The service's errors on the page: INVALID_ARGUMENT carries a
// google.rpc.BadRequest (in grpc-status-details-bin) whose field
// violations name request fields by path ("write_off.write_off_share",
// "valuation.discount_rates[1]"); each message is shown next to the input
// that edits that field, or next to the request editor when no input does.

import { ConnectError } from "@connectrpc/connect";
import { BadRequestSchema } from "../gen/google/rpc/error_details_pb";

/** Request field paths (a path or its prefix) and the input editing them. */
const FIELD_INPUTS: ReadonlyArray<[string, string]> = [
  ["write_off", "write-off"],
  ["repayment.loan_terms.installment_count", "installments"],
  ["repayment.loan_terms.frequency", "frequency"],
  ["repayment.loan_terms.annual_rate", "annual-rate"],
  ["repayment.loan_terms.grace_periods", "grace-periods"],
  ["repayment.loan_terms.first_payment_date", "first-payment"],
  ["valuation.discount_rates", "discount-rates"],
  ["claim.parts[0].amount.currency_code", "claim-currency"],
  ["claim.parts[0].amount", "claim-amount"],
  ["settlement_id", "settlement"],
];

/** Every input that can show an error, and the request editor. */
export const ERROR_INPUTS = [...new Set(FIELD_INPUTS.map(([, id]) => id)), "request-json"];

/** The id of the input editing the field at `path` ("request-json" if none). */
export function inputFor(path: string): string {
  let best: [string, string] | undefined;
  for (const entry of FIELD_INPUTS) {
    const [prefix] = entry;
    const matches =
      path === prefix || path.startsWith(prefix + ".") || path.startsWith(prefix + "[");
    if (matches && (!best || prefix.length > best[0].length)) best = entry;
  }
  return best ? best[1] : "request-json";
}

/** One message for one input. */
export interface FieldError {
  input: string;
  field: string;
  message: string;
}

/** The field violations of an error (none for other errors). */
export function fieldErrors(error: unknown): FieldError[] {
  const connectError = ConnectError.from(error);
  const out: FieldError[] = [];
  for (const badRequest of connectError.findDetails(BadRequestSchema)) {
    for (const violation of badRequest.fieldViolations) {
      out.push({
        input: inputFor(violation.field),
        field: violation.field,
        message: `${violation.field}: ${violation.description}`,
      });
    }
  }
  return out;
}

/** Removes every field error shown. */
export function clearFieldErrors(): void {
  for (const id of ERROR_INPUTS) showFieldError(id, "");
}

/** Shows `message` next to the input `id` ("" clears it). */
export function showFieldError(id: string, message: string): void {
  const input = document.getElementById(id);
  const slot = document.getElementById(`${id}-error`);
  if (slot) slot.textContent = message;
  if (input) {
    if (message) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }
  if (message && id === "request-json") {
    const details = document.getElementById("advanced") as HTMLDetailsElement | null;
    if (details) details.open = true;
  }
}
