//! Readable numbers on charts: a short scale on the axes (`10.96 bn`, not
//! `10960000000`), exact amounts with thousands separators in the notes
//! (`9,864,000,000.00`), percentages and ratios (`1:5000`).

use rust_decimal::Decimal;

/// A number in the short scale with at most 4 significant digits (fewer
/// when the rest are zeros): 10960000000 -> `10.96 bn`, 27400000 ->
/// `27.4 m`, 2192000 -> `2.192 m`, 950 -> `950`. Suffixes: k (1e3), m
/// (1e6), bn (1e9), tn (1e12). Axis labels only: the value is rounded.
pub fn short(value: f64) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    // Rounded to 4 significant digits first, so that 999,999,999.9 is
    // 1 bn, not 1000 m.
    let value = if value == 0.0 {
        0.0
    } else {
        let unit = 10f64.powi(value.abs().log10().floor() as i32 - 3);
        (value / unit).round() * unit
    };
    let abs = value.abs();
    let (scaled, suffix) = if abs >= 1e12 {
        (value / 1e12, " tn")
    } else if abs >= 1e9 {
        (value / 1e9, " bn")
    } else if abs >= 1e6 {
        (value / 1e6, " m")
    } else if abs >= 1e3 {
        (value / 1e3, " k")
    } else {
        (value, "")
    };
    let decimals = if scaled.abs() >= 100.0 {
        1
    } else if scaled.abs() >= 10.0 {
        2
    } else {
        3
    };
    let text = trim_zeros(format!("{scaled:.decimals$}"));
    let text = if text == "-0" { "0".to_string() } else { text };
    format!("{text}{suffix}")
}

/// `12.500` -> `12.5`, `3.000` -> `3`; text without a point is unchanged.
fn trim_zeros(text: String) -> String {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// An exact amount with thousands separators, keeping its decimals:
/// `9864000000.00` -> `9,864,000,000.00`.
pub fn grouped(value: Decimal) -> String {
    let text = value.to_string();
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (whole, fraction) = match digits.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    let mut out = String::with_capacity(text.len() + whole.len() / 3);
    out.push_str(sign);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(fraction) = fraction {
        out.push('.');
        out.push_str(fraction);
    }
    out
}

/// A fraction as a percentage with at most `decimals` decimals, trailing
/// zeros dropped: 0.35 -> `35%`, 0.3691 -> `36.91%` (2 decimals).
pub fn percent(fraction: f64, decimals: usize) -> String {
    let text = trim_zeros(format!("{:.decimals$}", fraction * 100.0));
    let text = if text == "-0" { "0".to_string() } else { text };
    format!("{text}%")
}

/// The label of an instalment axis tick: the instalment's number at a whole
/// number from 1 on (`3`), nothing between instalments or before the first.
pub fn instalment_tick(x: &f64) -> String {
    if (x - x.round()).abs() < 1e-9 && *x >= 1.0 {
        format!("{x:.0}")
    } else {
        String::new()
    }
}

/// A ratio of two figures, larger side first as "1:x" when the creditor's
/// is the larger (`1:5000`), "x:1" otherwise; at most 2 decimals.
pub fn ratio(creditor_over_debtor: f64) -> String {
    if creditor_over_debtor >= 1.0 {
        format!("1:{}", trim_zeros(format!("{creditor_over_debtor:.2}")))
    } else {
        format!(
            "{}:1",
            trim_zeros(format!("{:.2}", 1.0 / creditor_over_debtor))
        )
    }
}

/// A factor applied to a figure on the waterfall: `÷ 5000` for a factor
/// that divides it by 5000, `× 1.25` for one that multiplies it; at most 2
/// decimals below a million, the short scale from a million on.
pub fn factor(multiplier: f64) -> String {
    let plain = |x: f64| {
        if x < 1e6 {
            trim_zeros(format!("{x:.2}"))
        } else {
            short(x)
        }
    };
    if multiplier <= 1.0 {
        format!("÷ {}", plain(1.0 / multiplier))
    } else {
        format!("× {}", plain(multiplier))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn short_scale() {
        assert_eq!(short(10_960_000_000.0), "10.96 bn");
        assert_eq!(short(1_096_000_000.0), "1.096 bn");
        assert_eq!(short(27_400_000.0), "27.4 m");
        assert_eq!(short(2_192_000.0), "2.192 m");
        assert_eq!(short(950.0), "950");
        assert_eq!(short(0.0), "0");
        assert_eq!(short(-1_500.0), "-1.5 k");
        assert_eq!(short(35.2e12), "35.2 tn");
        assert_eq!(short(999.96), "1 k", "4 significant digits, then the scale");
        assert_eq!(short(0.125), "0.125");
        assert_eq!(short(27_250_000.0), "27.25 m");
    }

    #[test]
    fn grouped_keeps_decimals() {
        let d = |s| Decimal::from_str(s).unwrap();
        assert_eq!(grouped(d("9864000000.00")), "9,864,000,000.00");
        assert_eq!(grouped(d("27400000.00")), "27,400,000.00");
        assert_eq!(grouped(d("-1234.5")), "-1,234.5");
        assert_eq!(grouped(d("999")), "999");
        assert_eq!(grouped(d("0.01")), "0.01");
    }

    #[test]
    fn percent_ratio_factor() {
        assert_eq!(percent(0.35, 2), "35%");
        assert_eq!(percent(0.369123, 2), "36.91%");
        assert_eq!(ratio(5000.0), "1:5000");
        assert_eq!(ratio(46.0417), "1:46.04");
        assert_eq!(ratio(0.5), "2:1");
        assert_eq!(factor(1.0 / 5000.0), "÷ 5000");
        assert_eq!(factor(1e-9), "÷ 1 bn");
        assert_eq!(factor(1.25), "× 1.25");
    }

    #[test]
    fn instalment_ticks() {
        assert_eq!(instalment_tick(&1.0), "1");
        assert_eq!(instalment_tick(&12.0), "12");
        assert_eq!(instalment_tick(&2.5), "");
        assert_eq!(instalment_tick(&0.5), "");
        assert_eq!(instalment_tick(&0.0), "", "no instalment 0");
    }
}
