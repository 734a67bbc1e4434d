"""Root-domain rules, with property tests: every subdomain of a root maps to that root."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from publicsuffixlist import PublicSuffixList

from core.domains import InvalidDomain, normalize_url, root_domain

LABEL = st.from_regex(r"\A[a-z0-9](?:[a-z0-9-]{0,20}[a-z0-9])?\Z", fullmatch=True)
SUFFIX = st.sampled_from(["ru", "com", "xn--p1ai", "co.uk", "spb.ru", "org", "su", "com.ru"])
# Some short names are themselves public suffixes (``pp.ru``, ``msk.ru``): a generated root must be
# registrable by the list itself, which is the oracle here; what is under test is our parsing around it.
_ORACLE = PublicSuffixList()
ROOT = st.builds(lambda label, suffix: f"{label}.{suffix}", LABEL, SUFFIX).filter(
    lambda root: _ORACLE.privatesuffix(root) == root
)
SUBDOMAIN_LABELS = st.lists(LABEL, min_size=0, max_size=4)


@pytest.mark.parametrize(
    ("value", "root"),
    [
        ("https://spb.pulscen.ru/x", "pulscen.ru"),
        ("pulscen.ru", "pulscen.ru"),
        ("WWW.PULSCEN.RU.", "pulscen.ru"),
        ("http://user:pw@Shop.Example.co.uk:8080/a?b=c#d", "example.co.uk"),
        ("ftp://files.example.com/", "example.com"),
        ("//cdn.example.com/x", "example.com"),
        ("example.com/path?q=a@b", "example.com"),
        ("sales@Mail.Example.RU", "example.ru"),
        ("mailto:sales@example.ru", "example.ru"),
        ("пример.рф", "xn--e1afmkfd.xn--p1ai"),
        ("https://www.ПРИМЕР.РФ/путь", "xn--e1afmkfd.xn--p1ai"),
        ("shop.xn--e1afmkfd.xn--p1ai", "xn--e1afmkfd.xn--p1ai"),
        ("info@пример.рф", "xn--e1afmkfd.xn--p1ai"),
    ],
)
def test_root_domain_examples(value: str, root: str) -> None:
    assert root_domain(value) == root


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        None,
        42,
        "ru",
        "co.uk",
        "xn--p1ai",
        "рф",
        "localhost",
        "1.2.3.4",
        "http://10.0.0.1/x",
        "http://[::1]:8080/",
        "a..ru",
        "-bad-.ru",
        "exa mple.ru",
        "http://",
        "@",
        ".",
        "1.2.3",
    ],
)
def test_root_domain_rejects(value: object) -> None:
    with pytest.raises(InvalidDomain):
        root_domain(value)


@given(root=ROOT, labels=SUBDOMAIN_LABELS)
def test_every_subdomain_maps_to_its_root(root: str, labels: list[str]) -> None:
    host = ".".join([*labels, root])
    assert root_domain(host) == root
    assert root_domain(f"https://{host}/some/path?x=1") == root
    assert root_domain(f"sales@{host}") == root


@given(root=ROOT, labels=SUBDOMAIN_LABELS)
def test_root_domain_is_idempotent(root: str, labels: list[str]) -> None:
    once = root_domain(".".join([*labels, root]))
    assert root_domain(once) == once


@given(root=ROOT, labels=SUBDOMAIN_LABELS, upper=st.booleans(), www=st.booleans(), dot=st.booleans())
def test_case_www_and_trailing_dot_do_not_matter(
    root: str, labels: list[str], upper: bool, www: bool, dot: bool
) -> None:
    host = ".".join([*labels, root])
    variant = ("www." if www else "") + host + ("." if dot else "")
    variant = variant.upper() if upper else variant
    assert root_domain(variant) == root_domain(host) == root


@given(name=st.text(alphabet="абвгдеёжзийклмнопрстуфхцчшщэюя", min_size=1, max_size=20))
def test_idn_roots_are_stored_as_lower_case_punycode(name: str) -> None:
    root = root_domain(f"https://www.{name.upper()}.РФ/")
    assert root == root.lower() and root.isascii()
    assert root == f"{name}.рф".encode("idna").decode()


@pytest.mark.parametrize(
    ("value", "url"),
    [
        ("pulscen.ru", "https://pulscen.ru"),
        ("HTTP://WWW.Pulscen.RU:80/", "http://www.pulscen.ru"),
        ("https://pulscen.ru:443/Catalog?x=1#top", "https://pulscen.ru/Catalog?x=1"),
        ("https://u:p@pulscen.ru:8443/a", "https://pulscen.ru:8443/a"),
        ("пример.рф/каталог", "https://xn--e1afmkfd.xn--p1ai/каталог"),
        ("https://shop.example.ru.", "https://shop.example.ru"),
    ],
)
def test_normalize_url(value: str, url: str) -> None:
    assert normalize_url(value) == url
    assert normalize_url(url) == url


@pytest.mark.parametrize("value", ["", "ftp://x.ru/", "javascript:alert(1)", "https://ru", "https://1.2.3.4/", "x"])
def test_normalize_url_rejects(value: str) -> None:
    with pytest.raises(InvalidDomain):
        normalize_url(value)
