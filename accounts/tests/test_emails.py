"""The canonical form of an e-mail address (accounts/emails.py): one spelling per mailbox, look-alikes refused."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accounts.emails import InvalidEmail, canonical_email, is_canonical


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("  Alice@Buyer.EXAMPLE ", "alice@buyer.example"),
        ("ALICE@Example.COM", "alice@example.com"),
        # dotless ı (U+0131) stays a different letter: the domain becomes its own punycode, never "gmail"
        ("x@gmaıl.test", "x@xn--gmal-nza.test"),
        ("x@GMAıL.TEST", "x@xn--gmal-nza.test"),
        ("x@xn--gmal-nza.test", "x@xn--gmal-nza.test"),
        # long ſ (U+017F) and the Kelvin sign (U+212A) are compatibility forms of s and K
        ("ſam@gmail.test", "sam@gmail.test"),
        ("x@gmaiſ.test", "x@gmais.test"),
        ("\u212aate@gmail.test", "kate@gmail.test"),
        ("x@\u212aey.test", "x@key.test"),
        # fullwidth letters, @ and full stop
        ("ｘ＠ｇｍａｉｌ．ｔｅｓｔ", "x@gmail.test"),
        ("Ｘ@ＧＭＡＩＬ.test", "x@gmail.test"),
        ("x@gmail。test", "x@gmail.test"),  # the ideographic full stop is a dot for UTS #46
        # upper-case IDN
        ("X@ПРИМЕР.ТЕСТ", "x@xn--e1afmkfd.xn--e1aybc"),
        ("x@пример.тест", "x@xn--e1afmkfd.xn--e1aybc"),
        ("x@XN--E1AFMKFD.XN--E1AYBC", "x@xn--e1afmkfd.xn--e1aybc"),
        # IDNA 2008, not 2003: ß is its own letter (2003 would turn straße.de into strasse.de)
        ("x@straße.de", "x@xn--strae-oqa.de"),
        # scripts that are written together (Han with kana) are one label, not a homograph
        ("x@例え.テスト", "x@xn--r8jz45g.xn--zckzah"),
        ("x@пример.com", "x@xn--e1afmkfd.com"),  # one script per label
        ("first.last+tag@sub.example.com", "first.last+tag@sub.example.com"),
    ],
)
def test_canonical_form(raw, canonical):
    assert canonical_email(raw) == canonical
    assert canonical_email(canonical) == canonical
    assert is_canonical(canonical)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("x@gmail.test.", "dot"),  # trailing dot: refused, not silently dropped
        ("x@gmail.test。", "dot"),
        ("x@gmаil.test", "mixes"),  # Cyrillic а inside a Latin label
        ("x@xn--gmil-63d.test", "mixes"),  # the same homograph written as punycode
        ("x@раypal.test", "mixes"),
        ("xı@gmail.test", "Latin letters"),  # dotless ı in the local part
        ("ß@gmail.test", "Latin letters"),
        ("İlkay@gmail.test", "Latin letters"),
        ("иван@пример.рф", "Latin letters"),
        ("x@gmail", "host name"),
        ("x@gm_ail.test", "host name"),
        ("x@-gmail.test", "host name"),
        ("x@gmail..test", "host name"),
        ("x@gma\u200dil.test", "host name"),  # a zero-width joiner
        ("x@" + "a" * 64 + ".test", "host name"),
        ("", "valid"),
        ("x", "valid"),
        ("@gmail.test", "valid"),
        ("x@", "valid"),
        ("x@@gmail.test", "valid"),
        ("x y@gmail.test", "valid"),
        ("x" * 250 + "@gmail.test", "valid"),
        ("x" * 2000 + "@gmail.test", "valid"),
    ],
)
def test_unusable_addresses_are_refused_with_a_reason(raw, reason):
    with pytest.raises(InvalidEmail) as refused:
        canonical_email(raw)
    assert isinstance(refused.value, ValueError)
    assert reason in str(refused.value.message)
    assert not is_canonical(raw)


def test_look_alikes_of_one_mailbox_share_one_form_and_different_mailboxes_do_not():
    same = {
        canonical_email(raw)
        for raw in ("kate@gmail.test", "KATE@GMAIL.TEST", "\u212aate@gmail.test", "ｋａｔｅ@gmail.test")
    }
    assert same == {"kate@gmail.test"}
    assert canonical_email("x@gmaıl.test") != canonical_email("x@gmail.test")


@given(st.text(max_size=40))
def test_the_canonical_form_is_ascii_lower_case_and_its_own_canonical_form(text):
    for raw in (text, f"{text}@example.com", f"a@{text}.test"):
        try:
            canonical = canonical_email(raw)
        except InvalidEmail:
            continue
        assert canonical.isascii()
        assert canonical == canonical.lower()
        assert canonical_email(canonical) == canonical
