"""Code drawing and keyed hashing."""

import re

from django.test import override_settings

from accounts import otp


def test_code_is_six_digits_and_keeps_leading_zeros(monkeypatch):
    monkeypatch.setattr(otp.secrets, "randbelow", lambda upper: 4217)
    assert otp.generate_code() == "004217"


def test_codes_come_from_the_whole_range():
    codes = {otp.generate_code() for _ in range(2000)}
    assert all(re.fullmatch(r"\d{6}", code) for code in codes)
    assert len(codes) > 1900  # not a constant, not a tiny range


def test_hmac_is_keyed_by_the_server_secret_and_bound_to_the_address():
    with override_settings(OTP_HMAC_KEY="key-one"):
        first = otp.code_hmac(email="a@x.example", code="123456")
        other_address = otp.code_hmac(email="b@x.example", code="123456")
    with override_settings(OTP_HMAC_KEY="key-two"):
        other_key = otp.code_hmac(email="a@x.example", code="123456")
    assert re.fullmatch(r"[0-9a-f]{64}", first)
    assert "123456" not in first
    assert len({first, other_address, other_key}) == 3


def test_code_matches_only_the_right_code():
    stored = otp.code_hmac(email="a@x.example", code="000001")
    assert otp.code_matches(email="a@x.example", code="000001", stored_hmac=stored)
    assert not otp.code_matches(email="a@x.example", code="000002", stored_hmac=stored)
    assert not otp.code_matches(email="b@x.example", code="000001", stored_hmac=stored)


def test_a_challenge_without_a_drawn_code_matches_nothing():
    assert not otp.code_matches(email="a@x.example", code="000000", stored_hmac="")
