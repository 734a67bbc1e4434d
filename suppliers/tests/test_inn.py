"""INN rules: 10 or 12 digits, checksum, no all-zero numbers; one function used by every serializer."""

import pytest
from rest_framework import serializers

from core.fields import InnField
from core.inn import InvalidInn, is_valid_inn, normalize_inn
from core.testing import company_inn, personal_inn


@pytest.mark.parametrize("value", ["7707083893", "500100732259", " 7707 083893 ", 7707083893])
def test_valid_inns_are_returned_as_digits(value: object) -> None:
    assert normalize_inn(value) == "".join(str(value).split())


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("7707083894", "checksum"),
        ("500100732258", "checksum"),
        ("0000000000", "all zeros"),
        ("000000000000", "all zeros"),
        ("77070838", "10 digits"),
        ("77070838931", "10 digits"),
        ("77070838a3", "digits only"),
        ("７７０７０８３８９３", "digits only"),
        ("", "empty"),
        (None, "string"),
        (True, "string"),
    ],
)
def test_invalid_inns_raise_with_a_clear_message(value: object, message: str) -> None:
    with pytest.raises(InvalidInn, match=message):
        normalize_inn(value)
    assert not is_valid_inn(value)


def test_factory_inns_have_correct_checksums() -> None:
    for n in range(0, 5000, 13):
        assert is_valid_inn(company_inn(n))
        assert is_valid_inn(personal_inn(n))


class _InnSerializer(serializers.Serializer):
    inn = InnField()


def test_inn_field_normalises_and_rejects() -> None:
    ok = _InnSerializer(data={"inn": "77 07 083893"})
    assert ok.is_valid(), ok.errors
    assert ok.validated_data["inn"] == "7707083893"
    bad = _InnSerializer(data={"inn": "7707083894"})
    assert not bad.is_valid()
    assert "checksum" in str(bad.errors["inn"][0])
