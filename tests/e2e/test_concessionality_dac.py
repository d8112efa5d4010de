"""AssessConcessionality with terms in years against the OECD DAC's
closed-form grant elements, computed independently in Python's decimal
module at 60 digits (issue 9, finding 6).

The DAC reads grace G as the interval from disbursement to the first
repayment of capital: with A repayments a year and maturity M, the loan pays
interest only over INT = G - 1/A years (A x INT periods) and repays capital
NR = A (M - INT) times. With D the annual discount rate and d = (1 + D)^(1/A)
- 1 the discount rate per period (annual-effective discounting), q = r / A
the interest per period and v = 1 / (1 + d):

- equal principal: GE = (1 - q/d) x (1 - (v^(A INT) - v^(A M)) / (d NR));
- annuity: GE = 1 - q (1 - v^(A INT)) / d - P v^(A INT) (1 - v^NR) / d,
  with P = q / (1 - (1 + q)^-NR) the level payment per unit.

The first is Makeham's formula: the loan's debt service is worth its
principal's present value plus q/d times the rest. The second values the
interest-only periods and the annuity directly."""

from decimal import Decimal, getcontext

import pytest

from debtcalc_client import messages, restructuring_stub

pb = messages()
getcontext().prec = 60


@pytest.fixture(scope="module")
def stub(server_addr):
    return restructuring_stub(server_addr)


def dac_equal_principal(rate, discount, per_year, maturity, grace):
    a = Decimal(per_year)
    d = (1 + Decimal(discount)) ** (1 / a) - 1
    q = Decimal(rate) / a
    v = 1 / (1 + d)
    interest_only = int(a * (Decimal(grace) - 1 / a))
    total = int(a * Decimal(maturity))
    repayments = total - interest_only
    principal_pv = (v**interest_only - v**total) / (d * repayments)
    return (1 - q / d) * (1 - principal_pv)


def dac_annuity(rate, discount, per_year, maturity, grace):
    a = Decimal(per_year)
    d = (1 + Decimal(discount)) ** (1 / a) - 1
    q = Decimal(rate) / a
    v = 1 / (1 + d)
    interest_only = int(a * (Decimal(grace) - 1 / a))
    repayments = int(a * Decimal(maturity)) - interest_only
    payment = q / (1 - (1 + q) ** -repayments)
    interest_pv = q * (1 - v**interest_only) / d
    annuity_pv = payment * v**interest_only * (1 - v**repayments) / d
    return 1 - interest_pv - annuity_pv


def assess(stub, principal, rate, maturity, grace, frequency, convention,
           grace_convention=pb.GRACE_CONVENTION_DAC_INTERVAL_TO_FIRST_REPAYMENT,
           amortization=pb.AMORTIZATION_EQUAL_PRINCIPAL):
    request = pb.AssessConcessionalityRequest(
        principal=pb.Money(currency_code="USD", amount=principal),
        terms_in_years=pb.TermsInYears(
            frequency=frequency,
            maturity_years=maturity,
            grace_years=grace,
            grace_convention=grace_convention,
            annual_rate=rate,
            amortization=amortization,
        ),
        convention=convention,
        valuation_date=pb.Date(year=2025, month=1, day=15),
    )
    return stub.AssessConcessionality(request, timeout=30)


def test_twenty_years_five_of_grace_at_one_percent_is_35_37_percent(stub):
    """The issue's case: the DAC reading gives 35.37%, 31 repayments from
    year 5.0; the interest-only reading of the same words gives 35.98%."""
    # 930,000,000 divides by 31 and by 30, and 0.5% of every outstanding is a
    # whole number of cents: the schedule has no rounding at all.
    response = assess(stub, "930000000", "0.01", "20", "5", pb.FREQUENCY_SEMI_ANNUAL,
                      pb.CONCESSIONALITY_CONVENTION_IMF_WORLD_BANK)
    oracle = dac_equal_principal("0.01", "0.05", 2, "20", "5")
    assert abs(oracle - Decimal("0.3537476858639468854")) < Decimal("1e-18")
    assert abs(Decimal(response.grant_element) - oracle) < Decimal("1e-19")
    assert response.grant_element.startswith("0.353747685863946885")
    assert response.concessional
    resolved = response.terms_in_years
    assert resolved.grace_convention == pb.GRACE_CONVENTION_DAC_INTERVAL_TO_FIRST_REPAYMENT
    assert (resolved.interest_only_periods, resolved.repayment_count) == (9, 31)
    assert resolved.first_repayment_years == "5"
    assert response.resolved_terms.grace_periods == 9
    assert response.resolved_terms.installment_count == 31
    assert response.resolved_terms.day_count == pb.DAY_COUNT_PERIODIC
    # The grant equivalent: face x grant element, rounded half-even once.
    expected = (Decimal("930000000") - Decimal(response.pv_debt_service_exact)).quantize(Decimal("0.01"))
    assert Decimal(response.grant_equivalent.amount) == expected
    assert abs(Decimal(response.grant_equivalent.amount) - oracle * 930000000) < Decimal("0.006")

    other = assess(stub, "930000000", "0.01", "20", "5", pb.FREQUENCY_SEMI_ANNUAL,
                   pb.CONCESSIONALITY_CONVENTION_IMF_WORLD_BANK,
                   grace_convention=pb.GRACE_CONVENTION_INTEREST_ONLY_YEARS)
    assert (other.terms_in_years.interest_only_periods, other.terms_in_years.repayment_count) == (10, 30)
    assert other.terms_in_years.first_repayment_years == "5.5"
    # Five interest-only years put the first repayment at 5.5 years: the
    # DAC formula with G = 5.5.
    later = dac_equal_principal("0.01", "0.05", 2, "20", "5.5")
    assert abs(Decimal(other.grant_element) - later) < Decimal("1e-19")
    assert other.grant_element.startswith("0.3597844592915709")


@pytest.mark.parametrize("rate,discount_convention,discount,per_year,frequency,maturity,grace", [
    ("0.0075", pb.CONCESSIONALITY_CONVENTION_IMF_WORLD_BANK, "0.05", 2, pb.FREQUENCY_SEMI_ANNUAL, "40", "10"),
    ("0.02", pb.CONCESSIONALITY_CONVENTION_DAC_2018_LDC_LIC, "0.09", 2, pb.FREQUENCY_SEMI_ANNUAL, "30", "8"),
    ("0.03", pb.CONCESSIONALITY_CONVENTION_DAC_2018_LMIC, "0.07", 1, pb.FREQUENCY_ANNUAL, "15", "3"),
    ("0.01", pb.CONCESSIONALITY_CONVENTION_DAC_2018_UMIC, "0.06", 4, pb.FREQUENCY_QUARTERLY, "12.5", "2.25"),
    ("0.025", pb.CONCESSIONALITY_CONVENTION_OECD_DAC, "0.10", 12, pb.FREQUENCY_MONTHLY, "10", "1"),
    ("0.01", pb.CONCESSIONALITY_CONVENTION_DAC_2018_MULTILATERAL_GLOBAL_OR_MDB, "0.05", 2, pb.FREQUENCY_SEMI_ANNUAL, "25", "5"),
    ("0.01", pb.CONCESSIONALITY_CONVENTION_DAC_2018_MULTILATERAL_OTHER, "0.06", 2, pb.FREQUENCY_SEMI_ANNUAL, "25", "5"),
    ("0", pb.CONCESSIONALITY_CONVENTION_IMF_WORLD_BANK, "0.05", 2, pb.FREQUENCY_SEMI_ANNUAL, "20", "0.5"),
])
def test_equal_principal_and_annuity_match_the_dac_closed_forms(
        stub, rate, discount_convention, discount, per_year, frequency, maturity, grace):
    principal = "1000000000"
    response = assess(stub, principal, rate, maturity, grace, frequency, discount_convention)
    assert response.discount_rate == str(Decimal(discount).normalize())
    oracle = dac_equal_principal(rate, discount, per_year, maturity, grace)
    # Instalments and interest are rounded to the cent: at most a cent per
    # flow on 1e9, so well inside 1e-8.
    assert abs(Decimal(response.grant_element) - oracle) < Decimal("1e-8"), (response.grant_element, oracle)
    assert response.concessional == (Decimal(response.grant_element) >= Decimal(response.threshold))
    if rate != "0":
        annuity = assess(stub, principal, rate, maturity, grace, frequency, discount_convention,
                         amortization=pb.AMORTIZATION_LEVEL_PAYMENT)
        oracle = dac_annuity(rate, discount, per_year, maturity, grace)
        # The level payment is rounded to the cent once and the last
        # instalment takes the residue.
        assert abs(Decimal(annuity.grant_element) - oracle) < Decimal("1e-8"), (annuity.grant_element, oracle)


def test_multilateral_rows_have_a_ten_percent_threshold(stub):
    for convention, rate in [
        (pb.CONCESSIONALITY_CONVENTION_DAC_2018_MULTILATERAL_GLOBAL_OR_MDB, "0.05"),
        (pb.CONCESSIONALITY_CONVENTION_DAC_2018_MULTILATERAL_OTHER, "0.06"),
    ]:
        response = assess(stub, "1000000", "0.03", "10", "2", pb.FREQUENCY_ANNUAL, convention)
        assert (response.discount_rate, response.threshold) == (rate, "0.1")
        assert response.convention == convention


def test_the_two_readings_fall_on_either_side_of_the_imf_line(stub):
    """At 1.06% the same words "20 years, 5 of grace, semi-annual" are not
    concessional under the DAC reading (34.84%) and are under the
    interest-only reading (35.43%): the reading must be stated."""
    dac = assess(stub, "930000000", "0.0106", "20", "5", pb.FREQUENCY_SEMI_ANNUAL,
                 pb.CONCESSIONALITY_CONVENTION_IMF_WORLD_BANK)
    interest_only = assess(stub, "930000000", "0.0106", "20", "5", pb.FREQUENCY_SEMI_ANNUAL,
                           pb.CONCESSIONALITY_CONVENTION_IMF_WORLD_BANK,
                           grace_convention=pb.GRACE_CONVENTION_INTEREST_ONLY_YEARS)
    assert abs(Decimal(dac.grant_element) - dac_equal_principal("0.0106", "0.05", 2, "20", "5")) < Decimal("1e-19")
    assert abs(Decimal(interest_only.grant_element)
               - dac_equal_principal("0.0106", "0.05", 2, "20", "5.5")) < Decimal("1e-19")
    assert Decimal(dac.grant_element) < Decimal("0.35") < Decimal(interest_only.grant_element)
    assert (dac.concessional, interest_only.concessional) == (False, True)
