"""CSV and vCard reading and writing (domain/transfer.py): every problem of a file is an error of one row."""
from __future__ import annotations

import csv

import pytest

from crm_chassis.access import Viewer
from crm_chassis.errors import InvalidArgument, Violations
from crm_contacts.domain import transfer as tr
from crm_contacts.domain.model import Person

ALICE = Viewer("alice", team="north", territory="ro")


def read(data: bytes, encoding: str = "auto", delimiter: str = "", mapping: tr.ColumnMapping | None = None):
    """(drafts, persons by row number, encoding) of a CSV file, through the same steps as an import."""
    text, used = tr.decode(data, encoding)
    header, records, _ = tr.read_csv(text, delimiter)
    mapping = mapping or tr.auto_mapping(header)
    if mapping.options.encoding != encoding:
        mapping = tr.ColumnMapping(mapping.columns, tr.MappingOptions(encoding=encoding))
    drafts = [tr.csv_draft(r, header, mapping) for r in records]
    persons = {d.number: tr.build_person(d, ALICE, None) for d in drafts}
    return drafts, persons, used


def errors_of(drafts, number):
    return [e for d in drafts if d.number == number for e in d.errors]


def test_a_good_row_becomes_the_person_create_person_would_make():
    data = b"given_name,family_name,email.personal,phone.mobile,address.city,address.country,address.lines\n" \
           b"Ana,Pop,Ana@Example.COM,+40 721 234 567,Cluj,ro,Str. Lunga 1;Bl. 2\n"
    drafts, persons, used = read(data)
    person = persons[2]
    assert used == "utf-8" and drafts[0].errors == []
    assert (person.given_name, person.family_name, person.owner, person.team) == ("Ana", "Pop", "alice", "north")
    assert [(e.address, e.kind) for e in person.emails] == [("Ana@example.com", "personal")]
    assert [(p.number, p.kind) for p in person.phones] == [("+40721234567", "mobile")]
    assert person.addresses[0].lines == ("Str. Lunga 1", "Bl. 2") and person.addresses[0].country == "RO"


def test_bad_fields_are_reported_all_at_once_at_their_columns_and_nothing_is_built():
    data = b"Given name,family_name,email,phone,preferred_language\n,,not-mail;ok@example.com,12,english\n"
    drafts, persons, _ = read(data)
    assert persons[2] is None
    by_field = {e.field: e.column for e in errors_of(drafts, 2)}
    assert by_field == {
        "given_name": "Given name", "family_name": "family_name", "emails[0].address": "email",
        "phones[0].number": "phone", "preferred_language": "preferred_language",
    }


def test_ragged_rows_and_quoting_errors_are_row_errors_and_the_next_rows_are_read():
    data = b'given_name,family_name\nAna,Pop\nIon\nMia,Pop,extra\n"Dan"x,Pop\nEva,"Pop, jr."\n'
    drafts, persons, _ = read(data)
    assert "1 fields but the header has 2" in errors_of(drafts, 3)[0].message
    assert "3 fields but the header has 2" in errors_of(drafts, 4)[0].message
    assert "malformed CSV on line 5" in errors_of(drafts, 5)[0].message
    assert persons[2].family_name == "Pop" and persons[6].family_name == "Pop, jr."
    assert [n for n, p in persons.items() if p] == [2, 6]


def test_an_unclosed_quote_costs_its_row_only():
    data = b'given_name,family_name\n"Ana,Pop\nIon,Ionescu\nMia,Pop\n'
    drafts, persons, _ = read(data)
    assert "never closed" in errors_of(drafts, 2)[0].message
    assert persons[3].family_name == "Ionescu" and persons[4].family_name == "Pop"


def test_a_quoted_field_may_span_lines():
    data = b'given_name,family_name,address.lines,address.city,address.country\nAna,Pop,"Str. 1\nBl. 2",Cluj,RO\nIon,Ionescu,,Iasi,RO\n'
    drafts, persons, _ = read(data)
    assert persons[2].addresses[0].lines == ("Str. 1\nBl. 2",) and persons[3].addresses[0].city == "Iasi"


def test_huge_fields_are_row_errors_not_crashes():
    limit = csv.field_size_limit()
    data = b"given_name,family_name\nAna," + b"x" * (limit + 10) + b"\n" + b"Ion," + b'"' + b"y" * (limit + 10) + b'"\nMia,Pop\n'
    drafts, persons, _ = read(data)
    assert errors_of(drafts, 2) and errors_of(drafts, 3)
    assert persons[4].family_name == "Pop"
    medium = b"given_name,family_name\nAna," + b"z" * (tr.MAX_FIELD_CHARS + 1) + b"\n"
    drafts, persons, _ = read(medium)
    assert "more than" in errors_of(drafts, 2)[0].message and persons[2] is None


def test_a_bom_is_skipped_and_cp1250_is_read_when_declared():
    bom = "\ufeffgiven_name;family_name\nȘtefan;Țăran\n".encode()
    _, persons, used = read(bom)
    assert used == "utf-8-sig" and (persons[2].given_name, persons[2].family_name) == ("Ștefan", "Țăran")
    cp = "given_name;family_name\nŞtefan;Ţăran\n".encode("cp1250")
    _, persons, used = read(cp, encoding="cp1250")
    assert used == "cp1250" and persons[2].family_name == "Ţăran"


def test_bytes_the_encoding_cannot_read_are_an_error_of_their_row_only():
    data = b"given_name,family_name\nAna,Pop\n" + "Ion,Ţăran\n".encode("cp1250") + b"Mia,Pop\n"
    drafts, persons, _ = read(data)
    [error] = errors_of(drafts, 3)
    assert error.column == "family_name" and "0xDE" in error.message and "cp1250" in error.message
    assert persons[2] and persons[4] and persons[3] is None


def test_the_delimiter_is_sniffed_from_the_header_or_taken_as_declared():
    assert tr.sniff_delimiter("a;b;c\n") == ";" and tr.sniff_delimiter("a\tb\n") == "\t" and tr.sniff_delimiter('"a;b",c\n') == ","
    _, persons, _ = read(b"given_name|family_name\nAna|Pop\n")
    assert persons[2].family_name == "Pop"
    drafts, _, _ = read(b"given_name;family_name\nAna;Pop\n", delimiter=",")
    assert drafts == [] or drafts[0].errors  # one column named "given_name;family_name": no name field is filled


def test_file_errors_are_invalid_argument():
    for data in (b"", b"\n\n", b"given_name,,family_name\nA,B,C\n", b"a,A\n1,2\n", b"\xff\xfea\x00\x00\xd8b\x00"):
        with pytest.raises(InvalidArgument) as caught:
            read(data)
        assert [v.field for v in caught.value.violations][:1] == ["file"]


def test_utf_16_with_its_bom_is_read():
    _, persons, used = read("given_name,family_name\nȘtefan,Pop\n".encode("utf-16"))
    assert used == "utf-16" and persons[2].given_name == "Ștefan"


def test_a_mapping_column_missing_from_the_file_is_reported():
    text, _ = tr.decode(b"first,last\nAna,Pop\n", "auto")
    header, _, _ = tr.read_csv(text)
    mapping = tr.ColumnMapping((("first", "given_name"), ("surname", "family_name")))
    with pytest.raises(InvalidArgument) as caught:
        tr.check_header(header, mapping)
    assert [v.field for v in caught.value.violations] == ["columns[1].column"]


def test_mappings_are_validated_whole():
    problems = Violations()
    tr.validate_mapping(
        " ", (("a", "given_name"), ("A", "email.work"), ("b", "nickname"), ("c", "cf.Bad-Key"), ("d", "cf.vat_regime")),
        tr.MappingOptions(encoding="ebcdic", delimiter="x", separator="", phone_region="ROU", date_format="day"), problems,
    )
    with pytest.raises(InvalidArgument) as caught:
        problems.raise_if_any()
    assert {v.field for v in caught.value.violations} == {
        "name", "columns[1].column", "columns[2].field", "columns[3].field", "options.encoding", "options.delimiter",
        "options.separator", "options.phone_region", "options.date_format",
    }


def test_options_change_how_cells_are_read():
    mapping = tr.ColumnMapping(
        (("Name", "given_name"), ("Surname", "family_name"), ("Phones", "phone"), ("Born", "birth_date"), ("Mail me", "consent.email.marketing")),
        tr.MappingOptions(phone_region="RO", separator="|", date_format="%d.%m.%Y"),
    )
    text, _ = tr.decode(b"Name,Surname,Phones,Born,Mail me\nAna,Pop,0721 234 567|0722 345 678,31.01.1980,da\nIon,Pop,,1980-01-31,maybe\n", "auto")
    header, records, _ = tr.read_csv(text)
    drafts = [tr.csv_draft(r, header, mapping) for r in records]
    ana = tr.build_person(drafts[0], ALICE, mapping.options.phone_region)
    assert [p.number for p in ana.phones] == ["+40721234567", "+40722345678"]
    assert ana.birth_date.isoformat() == "1980-01-31" and [(c.channel, c.purpose, c.granted) for c in ana.consents] == [("email", "marketing", True)]
    assert {e.column for e in drafts[1].errors} == {"Born", "Mail me"}


def test_custom_field_columns_need_definitions_and_go_through_the_validator():
    text, _ = tr.decode(b"given_name,cf.vat_regime\nAna,normal\n", "auto")
    header, records, _ = tr.read_csv(text)
    [draft] = [tr.csv_draft(r, header, tr.auto_mapping(header)) for r in records]
    assert tr.build_person(draft, ALICE, None) is None
    assert draft.errors[0].field == "custom_fields.vat_regime" and draft.errors[0].column == "cf.vat_regime"

    [draft] = [tr.csv_draft(r, header, tr.auto_mapping(header)) for r in tr.read_csv(text)[1]]

    def validator(raw, problems):
        if raw.get("vat_regime") != "normal":
            problems.add("custom_fields.vat_regime", "bad")
        return {"vat_regime": raw["vat_regime"]}

    person = tr.build_person(draft, ALICE, None, validator)
    assert person.custom_fields == {"vat_regime": "normal"}


VCARD_3 = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Pop\r\nN:Pop;Ana;Maria;;\r\nEMAIL;TYPE=INTERNET,HOME:ana@ex\r\n ample.com\r\n"
    "TEL;TYPE=CELL:+40721234567\r\nTEL;TYPE=WORK,FAX:+40 21 123 4567\r\nADR;TYPE=WORK:;;Str. X 1\\nBl. 2;Cluj\\, jud.;CJ;400001;RO\r\n"
    "BDAY:1980-01-31\r\nCATEGORIES:VIP,Golf\r\nORG:Acme SRL;Sales\r\nNOTE:met at the fair\r\nEND:VCARD\r\n"
)
VCARD_4 = (
    "BEGIN:VCARD\nVERSION:4.0\nFN:Ion Ionescu\nN:Ionescu;Ion;;;\nTEL;VALUE=uri;TYPE=\"cell,voice\":tel:+40722345678\n"
    "LANG;PREF=2:en\nLANG;PREF=1:ro\nTZ:Europe/Bucharest\nBDAY:19750615\nEND:VCARD\n"
)


def vcard_persons(text: str):
    drafts = [tr.vcard_draft(card, tr.MappingOptions()) for card in tr.read_vcards(text)]
    return drafts, [tr.build_person(d, ALICE, None) for d in drafts]


def test_vcard_3_and_4_cards_are_read():
    drafts, (ana, ion) = vcard_persons(VCARD_3 + VCARD_4)
    assert (ana.given_name, ana.family_name) == ("Ana Maria", "Pop")
    assert [(e.address, e.kind) for e in ana.emails] == [("ana@example.com", "personal")]
    assert [(p.number, p.kind) for p in ana.phones] == [("+40721234567", "mobile"), ("+40211234567", "fax")]
    address = ana.addresses[0]
    assert (address.kind, address.lines, address.city, address.region, address.postal_code, address.country) == (
        "work", ("Str. X 1", "Bl. 2"), "Cluj, jud.", "CJ", "400001", "RO")
    assert ana.birth_date.isoformat() == "1980-01-31" and ana.tags == ("VIP", "Golf") and drafts[0].account_name == "Acme SRL"
    assert (ion.preferred_language, ion.time_zone, ion.birth_date.isoformat()) == ("ro", "Europe/Bucharest", "1975-06-15")
    assert [(p.number, p.kind) for p in ion.phones] == [("+40722345678", "mobile")]


def test_broken_vcards_are_errors_of_their_card_and_the_others_are_read():
    text = (
        "garbage before\r\n" + VCARD_3
        + "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Old;One\r\nEND:VCARD\r\n"
        + "BEGIN:VCARD\r\nVERSION:4.0\r\nthis is no property\r\nFN:X Y\r\nEND:VCARD\r\n"
        + "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Bad Mail\r\nEMAIL:nope\r\nEND:VCARD\r\n"
        + VCARD_4.replace("END:VCARD\n", "")
    )
    drafts, persons = vcard_persons(text)
    messages = [[e.message for e in d.errors] for d in drafts]
    assert "outside BEGIN:VCARD" in messages[0][0]
    assert persons[1].family_name == "Pop"
    assert "2.1 is not supported" in messages[2][0]
    assert "not a vCard property" in messages[3][0]
    assert drafts[4].errors[0].field == "emails[0].address" and drafts[4].errors[0].column.startswith("EMAIL")
    assert "no END:VCARD" in messages[5][0]
    assert [p is not None for p in persons] == [False, True, False, False, False, False]


def test_big_photos_do_not_count_and_a_huge_card_is_an_error_of_its_own():
    photo = "PHOTO;ENCODING=b;TYPE=JPEG:" + "QUJD" * 400_000 + "\r\n " + "QUJD" * 1000 + "\r\n"
    huge = "NOTE:" + "x" * (tr.MAX_RECORD_CHARS + 10) + "\r\n"
    text = VCARD_3.replace("END:VCARD\r\n", photo + "END:VCARD\r\n") + VCARD_4.replace("END:VCARD\n", huge + "END:VCARD\n") + VCARD_4
    text = text.replace("NOTE:met at the fair", "NOTE:" + "n" * (tr.MAX_FIELD_CHARS + 1))  # unused properties may be long
    drafts, persons = vcard_persons(text)
    assert persons[0].family_name == "Pop" and "QUJD" not in drafts[0].raw
    assert persons[1] is None and "longer than" in drafts[1].errors[0].message
    assert persons[2].family_name == "Ionescu"


def test_a_vcard_without_n_takes_its_names_from_fn():
    _, [person] = vcard_persons("BEGIN:VCARD\nVERSION:4.0\nFN:Maria Elena Pop\nEND:VCARD\n")
    assert (person.given_name, person.family_name) == ("Maria Elena", "Pop")


def sample_person() -> Person:
    return Person.create(
        given_name="Ștefan, \"Ștef\"", family_name="Pop; Ionescu", emails=[("stefan@example.com", "work"), ("s@example.org", "personal")],
        phones=[("+40721234567", "mobile"), ("+40211234567", "fax")], consents=[("email", "marketing", True, "web", None)],
        owner=ALICE, salutation="=Dear Ștefan", preferred_language="ro-RO", time_zone="Europe/Bucharest",
        addresses=[("work", ["Str. Lungă 1", "Bl. 2, sc. A"], "400001", "Cluj-Napoca", "CJ", "RO")],
        birth_date="1980-01-31", tags=["VIP", "golf"],
    )


FIELDS = ("given_name", "family_name", "emails", "phones", "addresses", "preferred_language", "time_zone", "birth_date", "tags")


def same(a: Person, b: Person, fields=FIELDS) -> None:
    assert {f: getattr(a, f) for f in fields} == {f: getattr(b, f) for f in fields}


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_vcard_round_trip(version):
    original = sample_person()
    text = tr.vcard_chunk([original], version).decode()
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    drafts, [back] = vcard_persons(text)
    assert drafts[0].errors == []
    same(original, back, (*FIELDS, "salutation"))


def test_csv_round_trip_including_formula_guard_and_consents():
    original = sample_person()
    columns = (*tr.DEFAULT_COLUMNS, "birth_date", "tags", "consent.email.marketing")
    data = tr.csv_chunk([original], columns, header=True)
    assert data.startswith(b"\xef\xbb\xbf") and b"'=Dear" in data and b",+40721234567," in data
    drafts, persons, _ = read(data)
    assert drafts[0].errors == []
    back = persons[2]
    same(original, back, (*FIELDS, "salutation"))
    assert [(c.channel, c.purpose, c.granted) for c in back.consents] == [("email", "marketing", True)]


def test_export_columns_are_checked():
    problems = Violations()
    assert tr.validate_export_columns((), ["vat"], problems)[-1] == "cf.vat"
    tr.validate_export_columns(("given_name", "password", "cf.vat", "cf.other"), ["vat"], problems)
    with pytest.raises(InvalidArgument) as caught:
        problems.raise_if_any()
    assert [v.field for v in caught.value.violations] == ["columns[1]", "columns[3]"]


def test_account_columns_and_org_title_fill_the_link_request():
    mapping = tr.ColumnMapping((("Name", "family_name"), ("Company", "account.name"), ("Job", "account.position"), ("Role", "account.role")))
    text, _ = tr.decode(b"Name,Company,Job,Role\nPop,Acme SRL,Buyer,billing\n", "auto")
    header, records, _ = tr.read_csv(text)
    [draft] = [tr.csv_draft(r, header, mapping) for r in records]
    assert (draft.account_name, draft.account_fields, draft.account_required) == ("Acme SRL", {"position": "Buyer", "role": "billing"}, True)
    assert draft.account_sources == {"name": "Company", "position": "Job", "role": "Role"}
    [card] = tr.read_vcards("BEGIN:VCARD\nVERSION:4.0\nN:Pop;Ana;;;\nORG:Acme SRL;Sales\nTITLE:Buyer\\, senior\nEND:VCARD\n")
    draft = tr.vcard_draft(card, tr.MappingOptions())
    assert (draft.account_name, draft.account_fields, draft.account_required) == ("Acme SRL", {"position": "Buyer, senior"}, False)
