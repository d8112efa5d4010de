// Formatting of the service's decimal strings for people, by string
// arithmetic only: the page shows the service's numbers, never a binary
// floating-point approximation of them.

import type { Money } from "../gen/debtcalc/v1/money_pb";
import type { Date as ProtoDate } from "../gen/google/type/date_pb";

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/** "9864000000.00" -> "9,864,000,000.00"; anything else as it is. */
export function groupDigits(text: string): string {
  const m = DECIMAL.exec(text);
  if (!m) return text;
  const [, sign, whole, fraction] = m;
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${sign === "-" ? "-" : ""}${grouped}${fraction !== undefined ? "." + fraction : ""}`;
}

/** "USD 9,864,000,000.00"; an unset Money is "—". */
export function money(value: Money | undefined): string {
  if (!value || value.amount === "") return "—";
  return `${value.currencyCode} ${groupDigits(value.amount)}`;
}

/**
 * A decimal fraction as a percentage rounded half-even to `places`
 * ("0.36919560189890100632" -> "36.92%"), by moving the point and rounding
 * the digit string.
 */
export function percent(text: string, places = 2): string {
  const m = DECIMAL.exec(text);
  if (!m) return text;
  const [, sign, whole, fraction = ""] = m;
  // Multiply by 100: move the point two places right.
  const shift = Math.max(fraction.length - 2, 0);
  const digits = (whole + fraction.padEnd(2, "0")).padStart(shift + 1, "0");
  const pointAt = digits.length - shift;
  let intPart = digits.slice(0, pointAt) || "0";
  let frac = digits.slice(pointAt);
  const rounded = roundHalfEven(intPart, frac, places);
  intPart = rounded[0];
  frac = rounded[1];
  const body = places > 0 ? `${intPart}.${frac}` : intPart;
  const negative = sign === "-" && /[1-9]/.test(body);
  return `${negative ? "-" : ""}${body}%`;
}

/** Rounds intPart.frac half-even to `places` fraction digits. */
function roundHalfEven(intPart: string, frac: string, places: number): [string, string] {
  const kept = frac.slice(0, places).padEnd(places, "0");
  const rest = frac.slice(places);
  let digits = intPart + kept;
  const first = rest.charAt(0);
  const tail = rest.slice(1);
  const last = Number(digits.charAt(digits.length - 1));
  const up = first > "5" || (first === "5" && (/[1-9]/.test(tail) || last % 2 === 1));
  if (up) digits = increment(digits);
  const cut = digits.length - places;
  return [digits.slice(0, cut).replace(/^0+(?=\d)/, "") || "0", digits.slice(cut)];
}

/** Adds one to a string of digits. */
function increment(digits: string): string {
  const out = digits.split("");
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i] === "9") {
      out[i] = "0";
    } else {
      out[i] = String(Number(out[i]) + 1);
      return out.join("");
    }
  }
  return "1" + out.join("");
}

/** A google.type.Date as ISO "2015-01-01"; unset is "". */
export function isoDate(date: ProtoDate | undefined): string {
  if (!date || date.year === 0) return "";
  const pad = (n: number, width: number) => String(n).padStart(width, "0");
  return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`;
}
