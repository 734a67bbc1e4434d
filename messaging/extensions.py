"""What a higher app adds to the e-mails messaging sends: the supplier's personal quote link.

The quotes app sits above messaging (it reads recipients and marks them ``quoted``), so messaging cannot
import it. It registers a provider here in its ``AppConfig.ready()``; ``email.email_context`` asks for the
link of each outgoing message. The provider must answer the same URL for the same message every time (a
retry rebuilds the same e-mail). Without a provider the e-mail simply has no link.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Message

QuoteLinkProvider = Callable[["Message"], str | None]

_quote_link_providers: list[QuoteLinkProvider] = []


def register_quote_link(provider: QuoteLinkProvider) -> None:
    """Install ``provider(message) -> absolute URL | None``; registering the same one twice is a no-op."""
    if provider not in _quote_link_providers:
        _quote_link_providers.append(provider)


def quote_link_for(message: Message) -> str | None:
    """The first link a provider gives for ``message``, else None."""
    for provider in _quote_link_providers:
        url = provider(message)
        if url:
            return url
    return None
