"""Spreadsheet CSV: formats people really export, and each bad row reported with its line and rule."""

from datetime import date
from decimal import Decimal

import pytest

from services.enrollment.domain.company_csv import CsvHeaderError, decode, parse_companies_csv
from shared.csvfile import CsvUnreadable
from shared.ruc import make_ruc

TODAY = date(2026, 3, 15)
R1, R2, R3 = make_ruc("20", "11111111"), make_ruc("20", "22222222"), make_ruc("20", "33333333")


def test_semicolon_spanish_spreadsheet_with_bom_accents_and_decimal_comma():
    text = (
        "RUC;Razón Social;Representante Legal;DNI Representante;Fecha Constitución;Región;Ventas Anuales;"
        "Liderada por Mujer;Productos;Correo;Web\n"
        f"{R1};Café Sierra S.A.C.;Ana Ríos;41234567;10/03/2015;Cusco;1.234.567,89;Sí;café tostado|cacao;"
        "ventas@cafesierra.pe;cafesierra.pe\n"
    )
    parsed = parse_companies_csv(decode(("\ufeff" + text).encode()), TODAY)
    assert parsed.rejected == []
    [(line, row)] = parsed.rows
    assert line == 2
    assert row["founded_on"] == date(2015, 3, 10)
    assert row["annual_sales_pen"] == Decimal("1234567.89")
    assert row["women_led"] is True
    assert row["products"] == ["café tostado", "cacao"]
    assert row["website"] == "https://cafesierra.pe"
    assert row["sales_fiscal_year"] == 2025  # default: last fiscal year


@pytest.mark.parametrize(
    "text,amount",
    [("1,234,567.89", "1234567.89"), ("S/ 802500", "802500"), ("802500,5", "802500.5"), ("1,000", "1000")],
)
def test_amount_formats(text, amount):
    csv = f'ruc,razon_social,representante_legal,dni_representante,fecha_constitucion,region,ventas_anuales\n{R1},X,Y,41234567,2015-01-01,Lima,"{text}"\n'
    [(_, row)] = parse_companies_csv(csv, TODAY).rows
    assert row["annual_sales_pen"] == Decimal(amount)


def test_bad_rows_are_reported_with_line_numbers_and_rules_and_good_rows_kept():
    csv = (
        "ruc,razon_social,representante_legal,dni_representante,fecha_constitucion,region,ventas_anuales,exporta_directamente\n"
        f"{R1},Good One,Ana,41234567,2015-01-01,Arequipa,100000,si\n"
        "20100070971,Bad Digit,Ana,41234567,2015-01-01,Lima,100000,no\n"
        f'{R2},"Multi\nline name",Ana,4123,2015-01-01,Atlantis,abc,maybe\n'
        f"{R3},Good Two,Ana,41234567,2015-01-01,la libertad,100000,\n"
        f"{R1},Twin of line 2,Ana,41234567,2015-01-01,Lima,100000,no\n"
    )
    parsed = parse_companies_csv(csv, TODAY)
    assert [line for line, _ in parsed.rows] == [2, 6]
    by_line = {r.line: {p.rule for p in r.problems} for r in parsed.rejected}
    assert by_line[3] == {"ruc.check_digit"}
    assert by_line[5] == {"dni.format", "region.unknown", "annual_sales_pen.format", "direct_exports.format"}
    assert by_line[7] == {"ruc.duplicate_in_file"}
    assert parsed.rows[1][1]["region"] == "La Libertad"


def test_required_empty_cells_and_short_rows_are_reported():
    csv = (
        "ruc,razon_social,representante_legal,dni_representante,fecha_constitucion,region,ventas_anuales\n"
        f"{R1},,Ana,41234567,2015-01-01,Lima,1\n"
        f"{R2},Short\n"
    )
    parsed = parse_companies_csv(csv, TODAY)
    rules = {r.line: {p.rule for p in r.problems} for r in parsed.rejected}
    assert rules[2] == {"legal_name.required"}
    assert {"legal_rep_name.required", "region.required", "annual_sales_pen.required"} <= rules[3]


def test_future_founding_date_and_fiscal_year_are_rejected():
    csv = (
        "ruc,razon_social,representante_legal,dni_representante,fecha_constitucion,region,ventas_anuales,anio_ventas\n"
        f"{R1},X,Ana,41234567,2027-01-01,Lima,1,2030\n"
    )
    [rejected] = parse_companies_csv(csv, TODAY).rejected
    assert {p.rule for p in rejected.problems} == {"company.founded_in_future", "sales.fiscal_year"}


def test_missing_required_columns_reject_the_file():
    with pytest.raises(CsvHeaderError, match="fecha_constitucion"):
        parse_companies_csv(
            "ruc,razon_social,representante_legal,dni_representante,region,ventas_anuales\n", TODAY
        )
    with pytest.raises(CsvHeaderError, match="empty"):
        parse_companies_csv("", TODAY)


def test_windows_1252_files_are_read():
    text = "ruc;razon_social;representante_legal;dni_representante;fecha_constitucion;region;ventas_anuales\n"
    text += f"{R1};Compañía Peñas;Iñigo;41234567;2015-01-01;Junín;1\n"
    [(_, row)] = parse_companies_csv(decode(text.encode("cp1252")), TODAY).rows
    assert row["legal_name"] == "Compañía Peñas" and row["region"] == "Junín"


def test_a_binary_spreadsheet_is_not_taken_for_a_csv():
    # The kernel's CSV reader refuses it: a 400 naming the line, with the hint.
    with pytest.raises(CsvUnreadable, match="xlsx") as error:
        parse_companies_csv("PK\x03\x04\x00\x00binary", TODAY)
    assert error.value.line == 1
