"""The one CSV reader of every import (shared/csvfile.py)."""

from __future__ import annotations

import pytest

from shared.csvfile import CsvUnreadable, decode, delimiter_of, read_records, read_rows
from shared.errors import BadRequest

TABLE = ["kind,code,text", "aspect,A1,Gestión", 'requirement,A1.R1,"dos\nlíneas"', "", "aspect,A2,Agua"]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["unix", "windows", "old-mac"])
@pytest.mark.parametrize("bom", ["", "\ufeff"], ids=["no-bom", "bom"])
def test_every_newline_convention_and_a_bom_read_the_same(newline, bom):
    text = bom + newline.join(TABLE) + newline
    rows = list(read_rows(text))
    assert [line for line, _ in rows] == [1, 2, 4, 5, 6]
    assert rows[0][1] == ["kind", "code", "text"]
    assert rows[2][1][2] in ("dos\nlíneas",)  # a break inside quotes stays in the cell
    header, records = read_records(text)
    assert header == ["kind", "code", "text"]
    assert [(line, r["code"]) for line, r in records] == [(2, "A1"), (4, "A1.R1"), (6, "A2")]


def test_mixed_line_endings_keep_their_line_numbers():
    rows = list(read_rows("a,b\r\n1,2\r3,4\n5,6"))
    assert rows == [(1, ["a", "b"]), (2, ["1", "2"]), (3, ["3", "4"]), (4, ["5", "6"])]


def test_a_nul_character_is_a_400_naming_its_line_in_our_words():
    with pytest.raises(CsvUnreadable) as error:
        list(read_rows("a,b\r1,2\rx\x00,3\r"))
    assert isinstance(error.value, BadRequest) and error.value.status == 400
    assert error.value.line == 3
    assert error.value.extra["errors"] == [
        {"field": "file", "in": "body", "line": 3, "message": error.value.extra["errors"][0]["message"]}
    ]
    assert ".xlsx" in error.value.detail


def test_an_overlong_cell_is_a_400_naming_its_line():
    with pytest.raises(CsvUnreadable) as error:
        list(read_rows("a,b\n1,2\n" + "x" * 200_000 + ",3\n"))
    assert error.value.line == 3
    assert "field limit" not in error.value.detail and "131072" in error.value.detail


def test_the_delimiter_comes_from_the_header_whatever_the_newline():
    assert delimiter_of("ruc;razón social\r20100070970;Andina\r") == ";"
    assert delimiter_of("ruc,razón social\n") == ","
    assert delimiter_of("", (",", ";")) == ","
    assert delimiter_of("Nombre\tDNI\tRUC\nAna\t1\t2\n", (",", ";", "\t"), sniff=True) == "\t"


def test_decode_reads_utf8_utf16_and_legacy_excel_and_names_the_bad_line():
    assert decode("ruc,nombre\n1,Peña\n".encode()) == "ruc,nombre\n1,Peña\n"
    assert decode(b"\xef\xbb\xbfa,b\n") == "a,b\n"
    assert decode("a\tb\n".encode("utf-16")) == "a\tb\n"
    assert decode("a,Peña\n".encode("cp1252")) == "a,Peña\n"
    with pytest.raises(CsvUnreadable) as error:
        decode(b"a,b\r\n1,2\r\n3,\xff\r\n", legacy=None)
    assert error.value.line == 3
