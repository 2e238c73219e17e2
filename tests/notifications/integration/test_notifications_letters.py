"""PDF letters: what is printed (read back from the PDF), in which font, and how the spool is written."""
from __future__ import annotations

import io
import json
import sys
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from crm_notifications.adapters import pdf as pdf_module
from crm_notifications.adapters.letters import PdfLetterChannel
from crm_notifications.adapters.pdf import DEBIAN_DEJAVU, LetterRenderer, printable
from crm_notifications.domain.channels import OutgoingMessage, SendError

SENDER = ["ACME Software SRL", "Calea Victoriei 1", "010061 București"]
ADDRESS = "Str. Mihai Eminescu nr. 5, ap. 12\n010011 București\nRomânia"
BODY = "Stimată doamnă Ștefănescu,\n\nvă trimitem oferta de înghețată pentru țară.\nMit freundlichen Grüßen aus der Hauptstraße.\n"


def letter(notification_id: str = "n-1", **fields) -> OutgoingMessage:
    values = {
        "channel": "letter",
        "recipient": ADDRESS,
        "recipient_name": "Ioana Ștefănescu",
        "subject": "Oferta de reînnoire",
        "text": BODY,
    } | fields
    return OutgoingMessage(notification_id=notification_id, **values)


def lato_dir() -> Path:
    import fontpkg_lato

    return fontpkg_lato.ROOT / "files"


def text_of(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture(params=["dejavu", "lato"])
def renderer(request) -> LetterRenderer:
    """Both fonts a letter may be set in: Debian's DejaVu where installed, the packaged Lato everywhere."""
    if request.param == "dejavu" and not (DEBIAN_DEJAVU / "DejaVuSans.ttf").is_file():
        pytest.skip("fonts-dejavu-core is not installed")
    font_dir = DEBIAN_DEJAVU if request.param == "dejavu" else lato_dir()
    return LetterRenderer(SENDER, font_dir=font_dir, today=lambda: date(2026, 3, 2))


def test_the_letter_prints_sender_recipient_date_subject_and_body_with_their_diacritics(renderer):
    pdf, pages = renderer(letter())

    assert pdf.startswith(b"%PDF-")
    assert pages == 1
    [page] = text_of(pdf)
    for expected in [
        "ACME Software SRL",
        "Ioana Ștefănescu",
        "Str. Mihai Eminescu nr. 5, ap. 12",
        "010011 București",
        "România",
        "2026-03-02",
        "Oferta de reînnoire",
        "Stimată doamnă Ștefănescu,",
        "înghețată pentru țară",
        "Grüßen aus der Hauptstraße",
    ]:
        assert expected in page
    assert "Page" not in page  # a one-page letter carries no page numbers
    lines = page.splitlines()
    assert lines.index("Ioana Ștefănescu") < lines.index("România") < lines.index("2026-03-02")


def test_the_subject_is_set_in_the_bold_face(renderer):
    pdf, _ = renderer(letter())

    fonts = {str(font["/BaseFont"]) for font in PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"].values()}

    assert any("Bold" in name for name in fonts), fonts
    assert any("Bold" not in name for name in fonts), fonts


def test_a_long_body_runs_onto_numbered_pages(renderer):
    body = "\n\n".join(f"Paragraful {i}: vă mulțumim că ați ales serviciile noastre în această țară frumoasă." * 3 for i in range(60))

    pdf, pages = renderer(letter(text=body))

    texts = text_of(pdf)
    assert pages == len(texts) >= 3
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {pages}" in text
    assert "Paragraful 59:" in texts[-1]  # nothing was cut off


def test_the_name_is_not_printed_twice_when_the_address_starts_with_it(renderer):
    pdf, _ = renderer(letter(recipient="Ioana Ștefănescu\n" + ADDRESS))

    [page] = text_of(pdf)
    assert page.count("Ioana Ștefănescu") == 1


def test_characters_outside_the_font_print_as_their_nearest_form():
    latin1 = frozenset(range(0x20, 0x7F)) | frozenset(range(0xA0, 0x100))

    assert printable("Ștefănescu, țară", latin1) == "Stefanescu, tara"
    assert printable("„Preț“ – 5 € …", latin1) == '"Pret" - 5 EUR ...'
    assert printable("Straße, Größe", latin1) == "Straße, Größe"  # Latin-1 already has them
    assert printable("ok\u200b\ttab\r\nnext 日", latin1) == "ok    tab\nnext ?"
    assert printable("s\u0326", latin1) == "s"  # a decomposed ș is composed first, then reduced


def test_without_any_unicode_font_letters_still_print_in_latin1(monkeypatch, tmp_path):
    monkeypatch.setattr(pdf_module, "DEBIAN_DEJAVU", tmp_path / "no-fonts")
    monkeypatch.setitem(sys.modules, "fontpkg_lato", None)  # the import fails as if not installed

    renderer = LetterRenderer(SENDER)
    pdf, pages = renderer(letter())

    assert renderer.font.family == "Helvetica"
    assert pages == 1
    [page] = text_of(pdf)
    assert "Ioana Stefanescu" in page and "înghetata pentru tara" in page


def test_a_font_dir_without_a_known_font_is_a_configuration_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="DejaVuSans.ttf"):
        LetterRenderer(SENDER, font_dir=tmp_path)


# -- the spool --------------------------------------------------------------------------------------------


@pytest.fixture
def spool(tmp_path) -> Path:
    return tmp_path / "spool"


@pytest.fixture
def channel(spool) -> PdfLetterChannel:
    return PdfLetterChannel(spool, LetterRenderer(SENDER, font_dir=lato_dir()))


def test_a_letter_is_spooled_as_pdf_plus_a_sidecar_for_the_print_operator(channel, spool):
    receipt = channel.send(letter("n-42", purpose="service", person_id="p-7"))

    pdf_path = spool / "n-42.pdf"
    assert receipt.provider_id == str(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF-")
    assert receipt.segments == len(PdfReader(pdf_path).pages) == 1
    sidecar = json.loads((spool / "n-42.json").read_text(encoding="utf-8"))
    assert sidecar["notification_id"] == "n-42"
    assert sidecar["file"] == "n-42.pdf"
    assert sidecar["recipient"] == {
        "name": "Ioana Ștefănescu",
        "address_lines": ["Str. Mihai Eminescu nr. 5, ap. 12", "010011 București", "România"],
    }
    assert sidecar["subject"] == "Oferta de reînnoire"
    assert sidecar["pages"] == 1
    assert sidecar["created"].endswith("+00:00")
    assert sidecar["person_id"] == "p-7" and sidecar["purpose"] == "service"
    assert sorted(p.name for p in spool.iterdir()) == ["n-42.json", "n-42.pdf"]  # no temp files left behind


def test_sending_the_same_letter_again_replaces_its_files_in_one_rename(channel, spool):
    channel.send(letter("n-1", subject="First version"))
    first = spool / "n-1.pdf"
    first_inode = first.stat().st_ino
    with first.open("rb") as reader_of_the_first:  # a print job that opened the file before the retry
        channel.send(letter("n-1", subject="Second version"))

        # The job still reads the whole first version: the new one arrived as a new file, not in place.
        old = reader_of_the_first.read()
    assert "First version" in text_of(old)[0]
    assert first.stat().st_ino != first_inode
    assert "Second version" in text_of(first.read_bytes())[0]
    assert json.loads((spool / "n-1.json").read_text())["subject"] == "Second version"
    assert sorted(p.name for p in spool.iterdir()) == ["n-1.json", "n-1.pdf"]


def test_the_page_count_is_the_receipts_billable_units(channel):
    receipt = channel.send(letter("n-long", text="Un rând lung despre ofertă. " * 900))

    assert receipt.segments == len(PdfReader(receipt.provider_id).pages) > 1


@pytest.mark.parametrize("address", ["", " \n \n\t"])
def test_a_letter_without_an_address_fails_for_good(channel, spool, address):
    with pytest.raises(SendError) as raised:
        channel.send(letter(recipient=address))

    assert raised.value.transient is False
    assert "address" in raised.value.reason
    assert not spool.exists() or not list(spool.iterdir())


def test_an_id_that_could_escape_the_spool_fails_for_good(channel, tmp_path):
    with pytest.raises(SendError) as raised:
        channel.send(letter("../outside"))

    assert raised.value.transient is False
    assert not (tmp_path / "outside.pdf").exists()


def test_a_disk_error_is_transient(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    channel = PdfLetterChannel(blocker / "spool", LetterRenderer(SENDER, font_dir=lato_dir()))

    with pytest.raises(SendError) as raised:
        channel.send(letter())

    assert raised.value.transient is True
    assert "spool" in raised.value.reason


def test_a_message_the_renderer_refuses_fails_for_good(spool):
    def refuse(message):
        raise ValueError("template produced nothing printable")

    with pytest.raises(SendError) as raised:
        PdfLetterChannel(spool, refuse).send(letter())

    assert raised.value.transient is False
    assert "nothing printable" in raised.value.reason
