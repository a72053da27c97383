"""SUNAT's RUC check digit."""

from __future__ import annotations

import pytest

from shared.ruc import check_digit, complete_ruc, is_valid_ruc


@pytest.mark.parametrize("ruc", ["20100070970", "20131312955", "20100047218"])
def test_known_rucs_are_valid(ruc):
    assert is_valid_ruc(ruc)


@pytest.mark.parametrize("ruc", ["20100070971", "2010007097", "201000709700", "2010007097A", "30100070970"])
def test_wrong_check_digit_length_or_prefix_is_refused(ruc):
    assert not is_valid_ruc(ruc)


def test_complete_ruc_appends_the_check_digit():
    assert complete_ruc("2010007097") == "20100070970"
    for stem in ("2012345678", "1045678901", "2099999999"):
        assert is_valid_ruc(complete_ruc(stem))
        assert complete_ruc(stem)[-1] == str(check_digit(stem))


def test_a_bad_stem_is_refused():
    with pytest.raises(ValueError):
        complete_ruc("201234")
