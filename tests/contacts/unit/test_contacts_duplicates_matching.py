"""Duplicate matching on typo-laden data: normalisation, blocking keys, scores and reasons."""
from __future__ import annotations

import pytest

from crm_contacts.domain.matching import (
    AccountProbe,
    Address,
    Probe,
    account_blocking_keys,
    account_score,
    blocking_keys,
    company_name,
    fold,
    normalize_email,
    normalize_registration,
    rank,
    rank_accounts,
    score,
    website_domain,
)

ORIGINAL = Probe(
    "orig", "Ștefan", "Popescu", ("Stefan.Popescu@gmail.com",), ("+40721234567",),
    (Address(("Str. Lalelelor 12",), "010101", "București", "RO"),),
)


def test_folding_removes_diacritics_case_and_punctuation():
    assert fold("Ștefan-Ioan ") == "stefan ioan"
    assert fold("ŞTEFAN") == fold("Ștefan") == "stefan"  # cedilla and comma below alike
    assert fold("Müller-Lüdenscheidt") == "muller ludenscheidt"
    assert fold("Straße") == "strasse" and fold("Łukasz") == "lukasz"


@pytest.mark.parametrize(
    ("address", "normal"),
    [
        ("Stefan.Popescu+crm@GMAIL.com", "stefanpopescu@gmail.com"),
        ("s.t.e.f.a.n.popescu@googlemail.com", "stefanpopescu@gmail.com"),
        ("Ana.Pop+news@Example.COM", "ana.pop@example.com"),  # dots matter outside Gmail
    ],
)
def test_email_normalisation(address, normal):
    assert normalize_email(address) == normal


# (typo-laden copy, expected reason) — each must share a blocking key with the original and score as a match.
TYPOS = [
    (Probe("t1", "Stefan", "Popsecu", phones=("+40721234567",)), "name similar"),  # transposition, no diacritics
    (Probe("t2", "Popescu", "Stefan", phones=("+40721234567",)), "given and family name swapped"),
    (Probe("t3", "Stephan", "Popescu", emails=("stefanpopescu+x@googlemail.com",)), "same email"),
    (Probe("t4", "Ştefan", "Popesku", emails=("STEFAN.POPESCU@gmail.com",)), "same email"),
    (Probe("t5", "Stefna", "Popescu", addresses=(Address(("Strada Lalelelor nr. 12",), "010 101", "Bucuresti", "RO"),)), "address similar"),
    (Probe("t6", "Ștefan", "Popescu", phones=("+40721234567",)), "same name"),
]


@pytest.mark.parametrize(("typo", "reason"), TYPOS, ids=[t.id for t, _ in TYPOS])
def test_typo_laden_copies_are_blocked_together_and_found(typo, reason):
    assert blocking_keys(typo) & blocking_keys(ORIGINAL), "no shared blocking key: the copy would never be compared"
    match = score(ORIGINAL, typo)
    assert match.score >= 0.75, match
    assert any(r.startswith(reason) for r in match.reasons), match.reasons
    assert score(typo, ORIGINAL).score == pytest.approx(match.score, abs=0.02)  # roughly symmetric


def test_swapped_names_are_reported_as_such():
    match = score(ORIGINAL, Probe("s", "Popescu", "Stefan"))
    assert match.reasons == ("same name", "given and family name swapped")
    assert score(Probe("x", "Ion", "Ion"), Probe("y", "Ion", "Ion")).reasons == ("same name",)


def test_name_alone_is_not_enough_and_different_people_sharing_a_phone_score_low():
    namesake = score(ORIGINAL, Probe("n", "Stefan", "Popescu"))
    assert 0.5 < namesake.score < 0.75  # shown by FindPersonDuplicates, does not block a create
    spouse = score(ORIGINAL, Probe("w", "Maria", "Popescu", phones=("+40721234567",)))
    assert spouse.score < 0.75 and "names differ" in spouse.reasons
    stranger = score(ORIGINAL, Probe("z", "Jane", "Doe", emails=("jane@example.com",)))
    assert stranger.score == 0 and stranger.reasons == ()


def test_a_missing_name_part_neither_matches_nor_differs():
    match = score(ORIGINAL, Probe("m", "Stefan", "", phones=("+40721234567",)))
    assert "names differ" not in match.reasons and match.score > 0.8


def test_rank_orders_by_score_and_skips_the_probe_and_excluded():
    candidates = [t for t, _ in TYPOS] + [ORIGINAL, Probe("z", "Jane", "Doe")]
    ranked = rank(ORIGINAL, candidates, threshold=0.75, exclude=("t6",))
    ids = [m.person_id for m in ranked]
    assert "orig" not in ids and "t6" not in ids and "z" not in ids
    assert set(ids) == {"t1", "t2", "t3", "t4", "t5"}
    assert [m.score for m in ranked] == sorted((m.score for m in ranked), reverse=True)


def test_unrelated_names_share_no_name_key():
    assert not blocking_keys(Probe("a", "Jane", "Doe")) & blocking_keys(Probe("b", "Ion", "Popescu"))


# --- accounts ---
COMPANY = AccountProbe("acc", "S.C. Carpați Trans S.R.L.", "", (("vat", "RO 1234 5678"),), ("https://www.carpati-trans.ro/contact",), ("+40212223344",),
                         ("office@carpati-trans.ro",))


def test_company_names_lose_legal_forms_and_registration_ids_their_vat_prefix():
    assert company_name("S.C. Carpați Trans S.R.L.") == "carpati trans" == company_name("Carpati Trans SRL")
    assert company_name("SRL") == "srl"  # nothing but a legal form: kept, rather than empty
    assert normalize_registration("vat", "RO 1234 5678") == "12345678" == normalize_registration("registration", "12345678")
    assert normalize_registration("registration", "J40/123/2020") == "J401232020"
    assert website_domain("https://WWW.Carpati-Trans.ro/contact?x=1") == "carpati-trans.ro" == website_domain("carpati-trans.ro")


@pytest.mark.parametrize(
    ("other", "reason", "likely"),
    [
        (AccountProbe("b", "Carpati Trans SRL"), "same name", True),
        (AccountProbe("c", "Trans Carpați SA", "", (("registration", "12345678"),)), "same registration id", True),
        (AccountProbe("d", "Carpti Trans", "", (), ("http://carpati-trans.ro",)), "same website", True),
        (AccountProbe("e", "Carpati Logistic", "", (), (), ("+40212223344",)), "names differ", False),  # a group's switchboard
        (AccountProbe("f", "Acme Foods", "", (), ("carpati-trans.ro",)), "names differ", False),
        (AccountProbe("g", "Carpati Logistic", "", (), (), (), ("Office@Carpati-Trans.ro",)), "same email", False),  # a group's mailbox
        (AccountProbe("h", "CT Logistics", "", (("vat", "RO12345678"),)), "same registration id", True),  # renamed: one legal entity
    ],
    ids=["legal-form", "vat-vs-registration", "typo-and-website", "same-phone-other-name", "same-website-other-name",
         "same-email-other-name", "same-registration-other-name"],
)
def test_account_matching(other, reason, likely):
    assert account_blocking_keys(COMPANY) & account_blocking_keys(other)
    match = account_score(COMPANY, other)
    assert reason in match.reasons and (match.score >= 0.75) == likely, match
    assert [m.person_id for m in rank_accounts(COMPANY, [other, COMPANY], 0.75)] == ([other.id] if likely else [])


def test_the_same_street_with_another_house_number_is_another_address():
    here = Probe("a", "Ana", "Pop", addresses=(Address(("Str. Mihai Eminescu 146",), "400001", "Cluj", "RO"),))
    neighbour = Probe("b", "Ana", "Pop", addresses=(Address(("Strada Mihai Eminescu nr. 39",), "400001", "Cluj", "RO"),))
    same = Probe("c", "Ana", "Pop", addresses=(Address(("Strada Mihai Eminescu nr. 146",), "400 001", "Cluj-Napoca", "RO"),))
    assert score(here, neighbour).reasons == ("same name",)
    assert score(here, same).reasons[1].startswith("address similar") and score(here, same).score >= 0.8
