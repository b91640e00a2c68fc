"""Pseudonyms of case identifiers: keyed, stable, and the key kept where only its owner reads it."""

from __future__ import annotations

import stat

import pandas as pd

from observatory.privacy import pseudonymisation_key, pseudonymise


def test_a_pseudonym_is_the_keyed_hash_written_down_beforehand():
    # HMAC-SHA256 of the identifier under the key, its first 16 hexadecimal digits (computed once, by hand).
    values = pd.Series(["10003456789", None, "dossier-é"], dtype="string")
    pseudonyms = pseudonymise(values, b"observatoire-41")
    assert pseudonyms.tolist() == ["1b07a7752332d4f3", pd.NA, "417186be7cb8c184"]
    assert pseudonyms.dtype == "string"
    assert pseudonymise(values, b"observatoire-47")[0] == "a5be9ea7fc767816"  # another key, another pseudonym


def test_a_number_read_as_a_number_gets_the_pseudonym_of_its_text():
    assert pseudonymise(pd.Series([10003456789]), b"observatoire-41").tolist() == ["1b07a7752332d4f3"]


def test_a_configured_key_wins_and_no_key_file_is_written(tmp_path):
    key_file = tmp_path / "staging" / ".pseudonymisation_key"
    assert pseudonymisation_key("shared-between-machines", key_file) == b"shared-between-machines"
    assert not key_file.parent.exists()


def test_without_a_configured_key_one_is_drawn_once_and_kept_for_its_owner_only(tmp_path):
    key_file = tmp_path / "staging" / ".pseudonymisation_key"
    key = pseudonymisation_key("", key_file)
    assert len(key) == 64 and int(key, 16) >= 0  # 32 random bytes in hexadecimal
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert pseudonymisation_key("", key_file) == key  # the same cases keep their pseudonyms at the next refresh
    assert pseudonymisation_key("", tmp_path / "other" / ".pseudonymisation_key") != key


def test_the_key_is_drawn_beside_staging_data_whether_its_folder_exists_or_not(tmp_path):
    nested = tmp_path / "data" / "staging" / ".pseudonymisation_key"  # a first build: no data folder yet
    assert len(pseudonymisation_key("", nested)) == 64
    (tmp_path / "existing").mkdir()
    assert len(pseudonymisation_key("", tmp_path / "existing" / ".pseudonymisation_key")) == 64


def test_a_key_file_written_by_hand_is_read_without_its_line_end(tmp_path):
    key_file = tmp_path / ".pseudonymisation_key"
    key_file.write_text("cle-du-departement\n")
    assert pseudonymisation_key("", key_file) == b"cle-du-departement"
