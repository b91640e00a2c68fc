"""Property tests: readers fed random mixes of valid and malformed rows.

For every mix: no crash (a clear ``SourceFormatError`` at most), every row read is
accepted, quarantined or out of scope, and each kind of fault lands where it should.
"""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from observatory.sources.agency import read_agency_cases
from observatory.sources.errors import SourceFormatError
from observatory.sources.population import read_population
from observatory.sources.roster import read_roster
from observatory.sources.rpps import HEADER, read_rpps_extract

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
KNOWN = {"00001", "00002", "00003"}
MALFORMED = [
    ("truncated", "quarantined"), ("extra_field", "quarantined"), ("empty_id", "quarantined"),
    ("malformed_commune", "quarantined"), ("unknown_commune", "quarantined"), ("duplicate", "quarantined"),
    ("elsewhere", "out_of_scope"), ("no_commune", "out_of_scope"),
]
TRIED = {"cases": 0, "rows": 0}  # malformed cases tried, reported by the closing notes


def _write(path, lines, encoding, newline):
    text = newline.join(lines) + newline
    path.write_bytes(text.encode(encoding, errors="replace"))
    return path


def _rpps_line(identifier: str, commune: str, name: str = "Hélène") -> list[str]:
    values = dict.fromkeys(HEADER, "")
    values |= {"Type d'identifiant PP": "8", "Identifiant PP": identifier, "Nom d'exercice": "DURAND",
               "Prénom d'exercice": name, "Code profession": "10", "Code savoir-faire": "SM53",
               "Code mode exercice": "L", "Code commune (coord. structure)": commune}
    return [values[column] for column in HEADER] + [""]


@SETTINGS
@given(kinds=st.lists(st.sampled_from(["valid"] * 3 + [kind for kind, _ in MALFORMED]), max_size=40),
       encoding=st.sampled_from(["utf-8", "latin-1"]), newline=st.sampled_from(["\n", "\r\n"]),
       names=st.lists(st.text(alphabet=st.characters(blacklist_characters="|\r\n\x1f", blacklist_categories=("Cs",)),
                              max_size=6), min_size=40, max_size=40))
def test_rpps_reader_accounts_for_every_line(tmp_path, kinds, encoding, newline, names):
    lines, expected, last_valid = ["|".join(HEADER) + "|"], {"accepted": 0, "quarantined": 0, "out_of_scope": 0}, None
    for number, kind in enumerate(kinds):
        fields = _rpps_line(f"1{number:010d}", "00001", names[number])
        if kind == "duplicate" and last_valid is None:
            kind = "valid"
        if kind == "valid":
            last_valid = fields
            expected["accepted"] += 1
        else:
            expected[dict(MALFORMED)[kind]] += 1
            if kind == "truncated":
                fields = fields[:20]
            elif kind == "extra_field":
                fields = fields + ["x"]
            elif kind == "empty_id":
                fields[HEADER.index("Identifiant PP")] = ""
            elif kind == "malformed_commune":
                fields[HEADER.index("Code commune (coord. structure)")] = "00X1"
            elif kind == "unknown_commune":
                fields[HEADER.index("Code commune (coord. structure)")] = "00999"
            elif kind == "duplicate":
                fields = last_valid
            elif kind == "elsewhere":
                fields[HEADER.index("Code commune (coord. structure)")] = "41018"
            elif kind == "no_commune":
                fields[HEADER.index("Code commune (coord. structure)")] = ""
        lines.append("|".join(fields))
    TRIED["cases"] += 1
    TRIED["rows"] += sum(kind != "valid" for kind in kinds)
    staged = read_rpps_extract(_write(tmp_path / "rpps.txt", lines, encoding, newline), ("00",), KNOWN)
    assert staged.rows_read == len(kinds)
    assert (len(staged.table), len(staged.rejects), staged.out_of_scope) == (
        expected["accepted"], expected["quarantined"], expected["out_of_scope"])
    assert staged.rejects["line"].between(2, len(lines)).all()
    assert "Nom d'exercice" not in staged.table and "name" not in staged.table


POPULATION_HEADER = "CODGEO;P21_POP;P21_POP0014;P21_POP1529;P21_POP3044;P21_POP4559;P21_POP6074;P21_POP75P"


@SETTINGS
@given(kinds=st.lists(st.sampled_from(["valid", "valid", "negative", "not_a_number", "bands_off", "duplicate",
                                       "truncated", "elsewhere", "empty"]), max_size=40))
def test_population_reader_accounts_for_every_line(tmp_path, kinds):
    lines, accepted, quarantined, elsewhere, codes = [POPULATION_HEADER], 0, 0, 0, []
    for number, kind in enumerate(kinds):
        code = f"00{number:03d}"
        row = [code, "600", "100", "100", "100", "100", "100", "100"]
        if kind == "duplicate" and not codes:
            kind = "valid"
        if kind == "valid":
            codes.append(code)
            accepted += 1
        elif kind == "elsewhere":
            row[0], elsewhere = f"41{number:03d}", elsewhere + 1
        else:
            quarantined += 1
            if kind == "negative":
                row[3] = "-100"
            elif kind == "not_a_number":
                row[1] = "six cents"
            elif kind == "bands_off":
                row[1] = "900"
            elif kind == "duplicate":
                row[0] = codes[-1]
            elif kind == "truncated":
                row = row[:4]
            elif kind == "empty":
                row[5] = ""
        lines.append(";".join(row))
    TRIED["cases"] += 1
    TRIED["rows"] += sum(kind != "valid" for kind in kinds)
    staged = read_population(_write(tmp_path / "pop.csv", lines, "utf-8", "\n"), ("00",))
    assert (len(staged.table), len(staged.rejects), staged.out_of_scope) == (accepted, quarantined, elsewhere)
    assert staged.rows_read == staged.rows_accepted + len(staged.rejects) + staged.out_of_scope


AGENCY_HEADER = ("id_dossier;date_premier_contact;nom;prenom;email;telephone;profession;offre;statut;"
                 "date_accompagnement;date_installation;type_installation;code_commune_installation;notes")


@SETTINGS
@given(kinds=st.lists(st.sampled_from(["contact", "installed", "future", "unknown_status", "no_date",
                                       "before_contact", "duplicate", "truncated", "bad_date"]), max_size=30),
       note=st.text(max_size=30))
def test_agency_reader_accounts_for_every_record_and_drops_personal_columns(tmp_path, kinds, note):
    lines, accepted, accepted_ids = [AGENCY_HEADER], 0, set()
    quoted_note = '"' + note.replace('"', '""') + '"'
    for number, kind in enumerate(kinds):
        row = [f"AG-{number}", "01/02/2023", "DURAND", "Hélène", "h@example.org", "06 00 00 00 00", "Infirmier",
               "Jobpack", "contact", "", "", "", "", quoted_note]
        if kind in {"installed", "before_contact", "no_date"}:
            row[8:13] = ["installé", "01/03/2023", "01/09/2023", "durable", "41018"]
        if kind == "future":
            row[1] = "01/02/2031"
        elif kind == "unknown_status":
            row[8] = "perdu de vue"
        elif kind == "no_date":
            row[10] = ""
        elif kind == "before_contact":
            row[10] = "01/01/2023"
        elif kind == "duplicate" and number:
            row[0] = "AG-0"
        elif kind == "truncated":
            row = row[:5]
        elif kind == "bad_date":
            row[1] = "31/02/2023"
        # A valid row is accepted unless an accepted row already has its id: a repeat of a
        # quarantined row is the first valid occurrence of that case.
        valid = kind in {"contact", "installed", "duplicate"}
        if valid and row[0] not in accepted_ids:
            accepted += 1
            accepted_ids.add(row[0])
        lines.append(";".join(row))
    TRIED["cases"] += 1
    TRIED["rows"] += sum(kind not in {"contact", "installed"} for kind in kinds)
    staged = read_agency_cases(_write(tmp_path / "cases.csv", lines, "utf-8", "\n"), b"k", date(2026, 11, 23))
    assert staged.rows_read == len(kinds)
    assert len(staged.table) == accepted and len(staged.table) + len(staged.rejects) == len(kinds)
    assert not {"nom", "prenom", "email", "telephone", "notes"} & set(staged.table.columns)


@SETTINGS
@given(garbage=st.lists(st.text(max_size=80), min_size=1, max_size=15))
def test_arbitrary_lines_never_crash_a_reader(tmp_path, garbage):
    """Lines of any text among a roster's: quarantined or accepted, or a clear SourceFormatError."""
    lines = ["identifiant_rpps;nom;prenom;annee_naissance;etp;date_depart_prevue", "10000000001;A;B;1965;0,8;"]
    lines += [line.replace("\x00", "") for line in garbage]
    path = _write(tmp_path / "roster.csv", lines, "utf-8", "\n")
    TRIED["cases"] += 1
    TRIED["rows"] += len(garbage)
    try:
        staged = read_roster(path, date(2024, 6, 30))
    except SourceFormatError as error:
        assert "roster.csv" in str(error)
        return
    assert staged.rows_read == len(staged.table) + len(staged.rejects)
    assert staged.table["rpps_id"].str.len().gt(0).all()


def test_report_how_many_malformed_cases_were_tried():
    """Runs last in this module: prints the totals quoted in the closing notes."""
    print(f"\nreader property tests: {TRIED['cases']} generated files, {TRIED['rows']} malformed rows")
    assert TRIED["cases"] >= 4 * 60 - 10  # hypothesis may stop early on a small search space
