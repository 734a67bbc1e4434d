"""The providers against a local fake speaking SearXNG's JSON API and the parser service's API."""

import pytest

from discovery.providers import ProviderError, configured_provider, provider_problem
from discovery.providers.parser_service import ParserServiceProvider
from discovery.providers.searxng import SearxngProvider


def _searxng(fake, timeout: float = 1.0) -> SearxngProvider:
    return SearxngProvider(base_url=fake.base_url, timeout=timeout)


def test_searxng_asks_each_page_with_the_mapped_engines_and_ranks_across_pages(fake_search):
    fake_search.per_page = 3

    results = _searxng(fake_search).search("Фланец Д100", depth=2, source="both")

    assert [call["query"] for call in fake_search.calls] == [
        {"q": "Фланец Д100", "format": "json", "pageno": "1", "engines": "google,yandex"},
        {"q": "Фланец Д100", "format": "json", "pageno": "2", "engines": "google,yandex"},
    ]
    assert [r.rank for r in results] == [1, 2, 3, 4, 5, 6]
    assert results[3].url == "https://www.site4.example/2/1"
    assert results[0].engine == "google"
    assert results[0].title == "Title of https://www.site1.example/1/1"


@pytest.mark.parametrize(("source", "engines"), [("google", "google"), ("yandex", "yandex")])
def test_searxng_maps_one_engine(fake_search, source, engines):
    _searxng(fake_search).search("x", depth=1, source=source)

    assert fake_search.calls[0]["query"]["engines"] == engines


def test_searxng_stops_at_the_first_empty_page(fake_search):
    fake_search.pages = 2

    results = _searxng(fake_search).search("x", depth=10, source="google")

    assert len(fake_search.calls) == 3
    assert len(results) == 20


@pytest.mark.parametrize(("status", "temporary"), [(503, True), (500, True), (429, True), (400, False), (403, False)])
def test_http_errors_say_whether_a_retry_may_help(fake_search, status, temporary):
    fake_search.statuses = [status]

    with pytest.raises(ProviderError) as caught:
        _searxng(fake_search).search("x", depth=1, source="google")

    assert caught.value.temporary is temporary
    assert f"HTTP {status}" in caught.value.reason


def test_garbage_json_is_a_temporary_error_with_a_reason(fake_search):
    fake_search.raw = b"<html>captcha</html>"

    with pytest.raises(ProviderError) as caught:
        _searxng(fake_search).search("x", depth=1, source="google")

    assert caught.value.temporary
    assert "not JSON" in caught.value.reason


def test_json_without_results_is_a_temporary_error(fake_search):
    fake_search.raw = b'{"answer": 42}'

    with pytest.raises(ProviderError) as caught:
        _searxng(fake_search).search("x", depth=1, source="google")

    assert caught.value.temporary
    assert "results" in caught.value.reason


def test_a_slow_provider_times_out(fake_search):
    fake_search.delay = 1.5

    with pytest.raises(ProviderError) as caught:
        _searxng(fake_search, timeout=0.3).search("x", depth=1, source="google")

    assert caught.value.temporary
    assert "did not answer within 0.3 s" in caught.value.reason


def test_an_unreachable_provider_is_temporary():
    with pytest.raises(ProviderError) as caught:
        SearxngProvider(base_url="http://127.0.0.1:9", timeout=0.5).search("x", depth=1, source="google")

    assert caught.value.temporary
    assert "unreachable" in caught.value.reason


def test_parser_service_posts_query_and_depth_without_question_marks(fake_search):
    fake_search.per_page = 4
    provider = ParserServiceProvider(base_url=fake_search.base_url, timeout=1.0)

    results = provider.search("Фланец? Д100 ?", depth=7, source="yandex")

    assert fake_search.calls == [{"method": "POST", "path": "/parse", "body": {"query": "Фланец Д100", "depth": 7}}]
    assert [(r.url, r.rank, r.engine) for r in results][:2] == [
        ("https://www.site1.example/1/1", 1, "yandex"),
        ("https://www.site2.example/1/2", 2, "yandex"),
    ]


def test_parser_service_400_is_permanent_and_503_temporary(fake_search):
    provider = ParserServiceProvider(base_url=fake_search.base_url, timeout=1.0)
    fake_search.statuses = [400, 503]

    with pytest.raises(ProviderError) as refused:
        provider.search("x", depth=1, source="both")
    with pytest.raises(ProviderError) as down:
        provider.search("x", depth=1, source="both")

    assert (refused.value.temporary, down.value.temporary) == (False, True)
    assert "HTTP 503" in down.value.reason


def test_parser_service_garbage_is_temporary(fake_search):
    fake_search.raw = b"{not json"

    with pytest.raises(ProviderError) as caught:
        ParserServiceProvider(base_url=fake_search.base_url, timeout=1.0).search("x", depth=1, source="both")

    assert caught.value.temporary


def test_off_by_default_and_says_how_to_turn_it_on(settings):
    settings.SEARCH_PROVIDER = ""

    assert "SEARCH_PROVIDER" in provider_problem()
    with pytest.raises(ProviderError) as caught:
        configured_provider()
    assert caught.value.temporary is False


def test_a_provider_without_its_url_is_off(settings):
    settings.SEARCH_PROVIDER, settings.SEARXNG_URL = "searxng", ""

    assert "SEARXNG_URL is empty" in provider_problem()


def test_the_setting_chooses_the_provider(searxng, settings):
    assert isinstance(configured_provider(), SearxngProvider)
    settings.SEARCH_PROVIDER, settings.PARSER_SERVICE_URL = "parser_service", searxng.base_url
    assert isinstance(configured_provider(), ParserServiceProvider)
