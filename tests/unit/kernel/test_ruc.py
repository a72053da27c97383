"""The RUC: length, taxpayer prefix and SUNAT's modulo-11 check digit."""

import pytest

from shared.ruc import check_digit, complete_ruc, is_legal_entity, is_valid_ruc, make_ruc, ruc_problem


@pytest.mark.parametrize(
    "ruc",
    [
        "20100070970",  # r = 10 -> 0
        "20131312955",
        "20100047218",
        "20000000061",  # weighted sum divisible by 11: r = 11 -> 1
        "20000000010",  # weighted sum = 1 mod 11: r = 10 -> 0
        "10462189121",  # natural person with business: a valid RUC
        "15000000008",
        "17000000001",
        "16123456789",
    ],
)
def test_valid_rucs_pass(ruc):
    assert ruc_problem(ruc) is None
    assert is_valid_ruc(ruc)


@pytest.mark.parametrize(
    "ruc", ["2010007097", "201000709701", "", "2010007097A", "20 10007097", "２0100070970"]
)
def test_wrong_length_or_non_digits_break_ruc_length(ruc):
    assert not is_valid_ruc(ruc)
    problem = ruc_problem(ruc)
    assert problem is not None and problem.rule == "ruc.length"
    assert "11 digits" in problem.message


@pytest.mark.parametrize("ruc", ["30100070970", "11000000000", "21000000000", "00000000000"])
def test_unknown_prefix_breaks_ruc_prefix(ruc):
    assert not is_valid_ruc(ruc)
    problem = ruc_problem(ruc)
    assert problem is not None and problem.rule == "ruc.prefix"
    assert ruc[:2] in problem.message


@pytest.mark.parametrize("ruc,expected", [("20100070971", 0), ("20131312950", 5), ("20000000060", 1)])
def test_wrong_check_digit_names_the_expected_digit(ruc, expected):
    assert not is_valid_ruc(ruc)
    problem = ruc_problem(ruc)
    assert problem is not None and problem.rule == "ruc.check_digit"
    assert f"is {expected}, not {ruc[10]}" in problem.message
    assert problem.message_es.startswith("ruc.check_digit")


def test_check_digit_maps_ten_to_zero_and_eleven_to_one():
    assert check_digit("2000000001") == 0
    assert check_digit("2000000006") == 1


def test_make_ruc_builds_valid_rucs_and_only_prefix_20_is_a_legal_entity():
    ruc = make_ruc("20", "12345678")
    assert ruc_problem(ruc) is None
    assert is_legal_entity(ruc)
    assert not is_legal_entity(make_ruc("10", "12345678"))


def test_complete_ruc_appends_the_check_digit_and_refuses_a_bad_stem():
    assert complete_ruc("2010007097") == "20100070970"
    for stem in ("2012345678", "1045678901", "2099999999"):
        assert is_valid_ruc(complete_ruc(stem))
        assert complete_ruc(stem)[-1] == str(check_digit(stem))
    with pytest.raises(ValueError):
        complete_ruc("201234")
