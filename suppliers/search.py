"""The stored search text of a supplier card: what buyer search, the moderators' list and the admin match.

Databases disagree on case: SQLite's ``LIKE`` folds ASCII only (``флан`` misses ``ФланцМаш``), PostgreSQL's
``UPPER`` follows the database's locale (none under ``C``). So the text is case-folded here, by Python's Unicode
rules, and stored in ``Supplier.search_text``; queries fold the same way and match a plain substring, which
means the same on every database. Root domains are stored in both forms (punycode and Unicode), so
``flanec`` finds ``flanec-mash.ru`` and ``фланец`` finds ``фланец.рф``.
"""

from collections.abc import Iterable

SEPARATOR = " | "  # never inside a folded query worth matching across two parts


def fold(text: str) -> str:
    """Case-folded text with runs of white space as one space (what is stored, and what a query becomes)."""
    return " ".join(text.casefold().split())


def _unicode_domain(root: str) -> str:
    try:
        return root.encode("ascii").decode("idna")
    except UnicodeError:
        return root


def search_text(*, name: str, inn: str, emails: Iterable[str], roots: Iterable[str]) -> str:
    """Name, INN, every e-mail address and every root domain (both forms), folded and joined."""
    domains: list[str] = []
    for root in sorted(set(roots)):
        domains.append(root)
        unicode_root = _unicode_domain(root)
        if unicode_root != root:
            domains.append(unicode_root)
    parts = [name, inn, *emails, *domains]
    return SEPARATOR.join(fold(part) for part in parts if part and fold(part))
