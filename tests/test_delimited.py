"""The line-exact delimited reader: encodings, truncated lines, headers, quoting."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from observatory.sources.delimited import read_delimited
from observatory.sources.errors import SourceFormatError

COLUMNS = {"code": "CODE", "name": "NOM", "value": "VALEUR"}


def write(path, text: str, encoding: str = "utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def test_reads_columns_by_header_name_and_numbers_lines(tmp_path):
    path = write(tmp_path / "f.csv", "NOM;X;CODE;VALEUR\nÉpuisay;1;41079;3\nVendôme;2;41269;4\n")
    table = read_delimited(path, dataset="t", delimiter=";", columns=COLUMNS)
    assert table.frame["code"].tolist() == ["41079", "41269"]
    assert table.frame["name"].tolist() == ["Épuisay", "Vendôme"]
    assert table.frame["line"].tolist() == [2, 3]
    assert table.encoding == "utf8" and table.rows_read == 2 and table.rejects.empty


def test_latin1_file_is_decoded(tmp_path):
    path = write(tmp_path / "f.csv", "CODE;NOM;VALEUR\n41079;Épuisay;3\n", encoding="latin-1")
    table = read_delimited(path, dataset="t", delimiter=";", columns=COLUMNS)
    assert table.encoding == "latin1"
    assert table.frame["name"].tolist() == ["Épuisay"]


def test_truncated_line_is_quarantined_with_its_line_number(tmp_path):
    path = write(tmp_path / "f.csv", "CODE;NOM;VALEUR\n41079;A;3\n41080;B\n\n41081;C;5\r\n")
    table = read_delimited(path, dataset="t", delimiter=";", columns=COLUMNS)
    assert table.frame["code"].tolist() == ["41079", "41081"]
    assert table.frame["line"].tolist() == [2, 5]
    assert table.rejects["line"].tolist() == [3]
    assert "expected 3 fields, found 2" in table.rejects["reason"][0]
    assert table.rows_read == 3  # the blank line is not a row


def test_a_line_of_spaces_is_blank_and_one_of_the_delimiters_count_a_row_of_empty_values(tmp_path):
    """An unquoted file's delimiter is visible (a tab is refused: a line of tabs alone would
    be blank to the line count and a row to the parser)."""
    text = "CODE;NOM;VALEUR\n41079;A;3\n   \n;;\n41081;C;5\n"
    table = read_delimited(write(tmp_path / "f.csv", text), dataset="t", delimiter=";", columns=COLUMNS)
    assert table.frame["line"].tolist() == [2, 4, 5] and table.rows_read == 3
    assert table.frame["code"].tolist() == ["41079", "", "41081"] and table.rejects.empty
    tabs = write(tmp_path / "t.tsv", text.replace(";", "\t"))
    with pytest.raises(ValueError, match="delimiter must be visible"):
        read_delimited(tabs, dataset="t", delimiter="\t", columns=COLUMNS)


def test_a_file_of_rows_only_is_read_in_one_pass_and_any_other_line_brings_the_line_scan(tmp_path, monkeypatch):
    """Every line a row (a last line without its end too): one pass, numbers from the rows'
    ranks. A blank line at the end, or a malformed one, and every line is scanned for the
    numbers."""
    from observatory.sources import delimited

    scans = []
    scan = delimited._scan_lines
    monkeypatch.setattr(delimited, "_scan_lines", lambda *arguments: scans.append(1) or scan(*arguments))
    rows = "CODE;NOM;VALEUR\n41079;A;3\n41080;B;4\n41081;C;5"
    table = read_delimited(write(tmp_path / "f.csv", rows), dataset="t", delimiter=";", columns=COLUMNS)
    assert table.frame["line"].tolist() == [2, 3, 4] and table.rows_read == 3 and scans == []
    table = read_delimited(write(tmp_path / "g.csv", rows + "\n\n"), dataset="t", delimiter=";", columns=COLUMNS)
    assert table.frame["line"].tolist() == [2, 3, 4] and table.rows_read == 3 and scans == [1]
    table = read_delimited(write(tmp_path / "h.csv", rows.replace("41080;B;4", "41080;B")), dataset="t",
                           delimiter=";", columns=COLUMNS)
    assert table.frame["line"].tolist() == [2, 4] and table.rejects["line"].tolist() == [3] and scans == [1, 1]


def test_missing_column_names_file_line_and_field_with_a_rename_hint(tmp_path):
    path = write(tmp_path / "registre.csv", "CODE;NOM_COMMUNE;VALEUR\n41079;A;3\n")
    with pytest.raises(SourceFormatError) as error:
        read_delimited(path, dataset="t", delimiter=";", columns=COLUMNS)
    message = str(error.value)
    assert "registre.csv" in message and "line 1" in message and "'NOM'" in message
    assert "NOM_COMMUNE" in message


def test_byte_order_mark_is_ignored(tmp_path):
    path = write(tmp_path / "f.csv", "\ufeffCODE;NOM;VALEUR\n41079;A;3\n")
    assert read_delimited(path, dataset="t", delimiter=";", columns=COLUMNS).frame["code"].tolist() == ["41079"]


def test_quoted_values_may_hold_delimiters_and_newlines(tmp_path):
    path = write(tmp_path / "f.csv", 'CODE;NOM;VALEUR\n1;"a; b";"line\none"\n2;c;d\n')
    table = read_delimited(path, dataset="t", delimiter=";", columns=COLUMNS, quoted=True)
    assert table.frame["name"].tolist() == ["a; b", "c"]
    assert table.frame["value"].tolist() == ["line\none", "d"]
    assert table.frame["line"].tolist() == [2, 4]


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(SourceFormatError, match="file not found"):
        read_delimited(tmp_path / "absent.csv", dataset="t", delimiter=";", columns=COLUMNS)


field = st.text(alphabet=st.characters(blacklist_characters=";\r\n\x1f", blacklist_categories=("Cs",)), max_size=8)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(rows=st.lists(st.lists(field, min_size=0, max_size=5), max_size=30), latin=st.booleans())
def test_every_row_is_accepted_or_quarantined(tmp_path, rows, latin):
    """Property: for any rows, rows read = rows accepted + rows quarantined, never a crash."""
    lines = [";".join(row) for row in rows]
    text = "CODE;NOM;VALEUR\n" + "\n".join(lines) + "\n"
    encoding = "latin-1" if latin and all(ord(c) < 256 for c in text) else "utf-8"
    path = write(tmp_path / "p.csv", text, encoding)
    table = read_delimited(path, dataset="t", delimiter=";", columns=COLUMNS)
    non_blank = [line for line in lines if line.strip()]
    assert table.rows_read == len(non_blank)
    assert len(table.frame) + len(table.rejects) == table.rows_read
    assert len(table.frame) == sum(1 for line in non_blank if line.count(";") == 2)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(rows=st.lists(st.lists(field, min_size=0, max_size=5), min_size=20, max_size=60))
def test_a_file_read_in_many_batches_keeps_every_line_number(tmp_path_factory, rows):
    """Property: streamed in batches of 256 bytes (a register of millions of lines is read in
    16 MiB batches), every accepted row has its own line's number, every malformed line is
    quarantined with its number, whatever falls on a batch's edge."""
    from observatory.sources import delimited

    lines = [";".join(row) for row in rows]
    path = write(tmp_path_factory.mktemp("batches") / "p.csv", "CODE;NOM;VALEUR\n" + "\n".join(lines) + "\n")
    previous, delimited.BATCH_BYTES = delimited.BATCH_BYTES, 256  # longer than any line here
    try:
        table = read_delimited(path, dataset="t", delimiter=";", columns=COLUMNS)
    finally:
        delimited.BATCH_BYTES = previous
    good = [(number, row) for number, row in enumerate(rows, start=2) if len(row) == 3]
    assert table.frame["line"].tolist() == [number for number, _ in good]
    assert table.frame["code"].tolist() == [row[0].strip() for _, row in good]
    assert table.frame["value"].tolist() == [row[2].strip() for _, row in good]
    assert table.rejects["line"].tolist() == [number for number, line in enumerate(lines, start=2)
                                              if line.strip() and len(line.split(";")) != 3]


def test_rows_not_kept_are_left_out_as_read_and_vocabularies_become_categories(tmp_path):
    import pyarrow.compute as pc

    path = write(tmp_path / "f.csv", "CODE;NOM;VALEUR\n41079;A;x\n75056;B;y\n41080;C\n41081;D;x\n")
    table = read_delimited(path, dataset="t", delimiter=";", columns=COLUMNS, encoded=("value",),
                           keep=lambda rows: pc.starts_with(rows["code"], "41"))
    assert table.frame["line"].tolist() == [2, 5] and table.frame["code"].tolist() == ["41079", "41081"]
    assert table.rejects["line"].tolist() == [4] and table.rows_read == 4  # the Paris line: read, not kept
    assert list(table.frame["value"].cat.categories) == ["x"] and table.frame["value"].tolist() == ["x", "x"]
