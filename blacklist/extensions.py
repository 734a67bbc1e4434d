"""The read extension point of the INN blacklist: the supplier card a higher app knows for an INN.

The buyer's INN list shows the name and Checko data of the supplier with that INN, when one exists. The cards
belong to suppliers, which sits above blacklist and may import it, but not the other way round. So blacklist
declares here what it needs (``InnCard``) and suppliers registers a provider in its ``AppConfig.ready()``.
Without a provider every INN is "no known card".
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class InnCard:
    """The known supplier card of an INN, as the INN list shows it."""

    supplier_id: int
    name: str
    checko_data: Any  # the registry's record (a JSON object) or None


InnCardProvider = Callable[[Collection[str]], Mapping[str, InnCard]]

_providers: list[InnCardProvider] = []


def register_inn_cards(provider: InnCardProvider) -> None:
    """Install ``provider(inns) -> {inn: InnCard}``; registering the same one twice is a no-op."""
    if provider not in _providers:
        _providers.append(provider)


def inn_cards(inns: Collection[str]) -> dict[str, InnCard]:
    """``{inn: InnCard}`` for the INNs some provider knows a card of; one call per provider."""
    cards: dict[str, InnCard] = {}
    if not inns:
        return cards
    for provider in _providers:
        cards.update(provider(inns))
    return cards
