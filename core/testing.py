"""Test data that obeys core's value rules, for every app's tests (imports no app): valid INNs."""

from stdnum.ru import inn as stdnum_inn


def company_inn(n: int) -> str:
    """The n-th valid 10-digit company INN (prefix 77, as Moscow companies)."""
    body = f"77{n % 10**7:07d}"
    return body + stdnum_inn.calc_company_check_digit(body)


def personal_inn(n: int) -> str:
    """The n-th valid 12-digit individual-entrepreneur INN."""
    body = f"50{n % 10**8:08d}"
    return body + stdnum_inn.calc_personal_check_digits(body)
