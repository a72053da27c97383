"""Reading meeting attendance exports: columns, dates, durations, bad rows."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from services.training.domain.attendance_report import (
    decode_report,
    parse_duration_minutes,
    parse_report,
    parse_timestamp,
)
from services.training.domain.presence import presence_seconds
from shared.clock import LIMA
from shared.errors import BadRequest

DAY = date(2025, 4, 8)
RUC = "20100070970"
HEADER = "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),DNI,RUC"


def test_rows_of_one_person_are_grouped_and_their_intervals_add_up():
    text = "\n".join(
        [
            HEADER,
            f"Ana Soto,ana@x.pe,04/08/2025 09:00:00 AM,04/08/2025 09:30:00 AM,30,40123456,{RUC}",
            f"Ana Soto (phone),,04/08/2025 09:40:00 AM,04/08/2025 10:00:00 AM,20,40123456,{RUC}",
        ]
    )
    report = parse_report(text, session_day=DAY)
    assert report.errors == [] and report.rows_read == 2
    (ana,) = report.people
    assert ana.name == "Ana Soto" and ana.email == "ana@x.pe" and ana.lines == [2, 3]
    start = datetime(2025, 4, 8, 9, 0, tzinfo=LIMA)
    assert (
        presence_seconds(ana.intervals, window_start=start, window_end=start + timedelta(hours=1)) == 50 * 60
    )


def test_bad_rows_are_reported_with_their_line_and_do_not_stop_good_ones():
    text = "\n".join(
        [
            "Meeting ID,Topic",  # a preamble the platform writes before the participants
            "123,Taller 3",
            "",
            HEADER,
            f"Good,,,,45,40123456,{RUC}",
            f"Bad DNI,,,,45,4012345,{RUC}",
            "Bad RUC,,,,45,40123457,20100070971",
            f"No presence,,,,,40123458,{RUC}",
            f"Backwards,,04/08/2025 10:00 AM,04/08/2025 09:00 AM,,40123459,{RUC}",
            f"Wrong day,,05/20/2025 10:00 AM,05/20/2025 11:00 AM,,40123460,{RUC}",
            f"Half,,04/08/2025 10:00 AM,,,40123461,{RUC}",
        ]
    )
    report = parse_report(text, session_day=DAY)
    assert [p.name for p in report.people] == ["Good"]
    by_line = {e.line: e for e in report.errors}
    assert sorted(by_line) == [6, 7, 8, 9, 10, 11]
    assert by_line[6].field == "dni" and "leading zero" in by_line[6].message
    assert by_line[7].field == "ruc"
    assert by_line[8].field == "duration"
    assert by_line[9].field == "leave"
    assert "session's day" in by_line[10].message
    assert by_line[11].field == "leave"


def test_a_file_without_dni_and_ruc_columns_is_refused_whole():
    with pytest.raises(BadRequest):
        parse_report("Name,Join Time,Leave Time\nAna,09:00,10:00\n", session_day=DAY)


def test_a_header_without_times_or_duration_is_refused():
    with pytest.raises(BadRequest) as caught:
        parse_report("Nombre;DNI;RUC\nAna;40123456;20100070970\n", session_day=DAY)
    assert "join/leave or duration" in caught.value.detail


def test_spanish_semicolon_export_with_accents_and_day_first_dates():
    text = (
        "Nombre;Hora de entrada;Hora de salida;DNI;RUC\n"
        + f"José Ñique;08/04/2025 9:05;08/04/2025 10:00;40123456;{RUC}\n"
    )
    report = parse_report(text, session_day=DAY)
    assert report.errors == []
    (jose,) = report.people
    assert jose.intervals[0].start == datetime(2025, 4, 8, 9, 5, tzinfo=LIMA)


def test_day_month_ambiguity_is_resolved_by_the_session_date():
    assert parse_timestamp("04/08/2025 09:00:00 AM", DAY).date() == DAY  # US reading
    assert parse_timestamp("08/04/2025 09:00", DAY).date() == DAY  # Spanish reading
    assert parse_timestamp("2025-04-08T14:00:00+00:00", DAY).astimezone(LIMA).hour == 9
    assert parse_timestamp("9:30 a. m.", DAY) == datetime(2025, 4, 8, 9, 30, tzinfo=LIMA)
    with pytest.raises(ValueError):
        parse_timestamp("yesterday", DAY)


@pytest.mark.parametrize(
    ("text", "minutes"), [("45", 45), ("45,5", 45.5), ("1h 5m 30s", 65.5), ("01:05:30", 65.5), ("5 min", 5)]
)
def test_duration_formats(text, minutes):
    assert parse_duration_minutes(text) == pytest.approx(minutes)


@pytest.mark.parametrize("text", ["-5", "abc", "2000"])
def test_bad_durations(text):
    with pytest.raises(ValueError):
        parse_duration_minutes(text)


def test_teams_utf16_and_zoom_bom_are_decoded():
    text = "Full Name\tDuration\tDNI\tRUC\nAna\t45\t40123456\t20100070970\n"
    assert decode_report(text.encode("utf-16")) == text
    assert decode_report(("\ufeff" + text).encode()) == text
    assert decode_report("Peña".encode("cp1252")) == "Peña"
    report = parse_report(text, session_day=DAY)
    assert report.people[0].minutes == [45.0]
