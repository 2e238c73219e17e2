"""Renders an outgoing message as an A4 business letter (PDF) in a font that covers what the CRM holds."""
from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from crm_notifications.domain.channels import OutgoingMessage

log = logging.getLogger(__name__)

DEBIAN_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")  # Debian's fonts-dejavu-core
# (regular, bold) file names tried in every font directory, best coverage first.
FACES = (("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"), ("Lato-Regular.ttf", "Lato-Bold.ttf"))

# What Latin-1's core fonts print for characters that do not decompose into Latin-1 (NFKD does the rest: ș → s).
_ASCII_FORMS = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"',
    "\u201f": '"', "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2026": "...", "\u2022": "*", "\u20ac": "EUR",
    "\u2122": "TM", "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u0131": "i", "\u0142": "l", "\u0141": "L",
    "\u00f8": "o", "\u00d8": "O", "\u0111": "d", "\u0110": "D", "\u0153": "oe", "\u0152": "OE", "\u00df": "ss",
}


@dataclass(frozen=True)
class Font:
    family: str  # the name fpdf2 knows it by; "Helvetica" is the Latin-1-only core font
    regular: Path | None
    bold: Path | None
    covers: frozenset[int]  # code points both faces have a glyph for


def _latin1() -> frozenset[int]:
    return frozenset(range(0x20, 0x7F)) | frozenset(range(0xA0, 0x100))


def find_font(font_dir: Path | None = None) -> Font:
    """The first face pair of FACES found in font_dir, or else in Debian's DejaVu folder and then `fontpkg-lato`.

    Without any of them letters still print, in the core Helvetica, with every character outside Latin-1
    replaced by its closest Latin-1 form (a warning says so once per renderer).
    """
    if font_dir is not None:
        folders = [Path(font_dir)]
    else:
        folders = [DEBIAN_DEJAVU]
        try:
            import fontpkg_lato  # the PyPI-packaged font, so the service's venv alone is enough

            folders.append(fontpkg_lato.ROOT / "files")
        except ImportError:
            pass
    for folder in folders:
        for regular_name, bold_name in FACES:
            regular, bold = folder / regular_name, folder / bold_name
            if regular.is_file() and bold.is_file():
                covers = frozenset(TTFont(regular, lazy=True).getBestCmap()) & frozenset(TTFont(bold, lazy=True).getBestCmap())
                return Font("letter", regular, bold, covers)
    if font_dir is not None:
        names = ", ".join(f"{r} + {b}" for r, b in FACES)
        raise FileNotFoundError(f"no letter font in {font_dir}: expected one of {names}")
    return Font("Helvetica", None, None, _latin1())


def printable(text: str, covers: frozenset[int]) -> str:
    """The text with every character the font lacks replaced by its closest form the font has, else '?'."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    "))
    out: list[str] = []
    for char in text:
        if char == "\n" or ord(char) in covers:
            out.append(char)
        elif unicodedata.category(char) in ("Cc", "Cf") or unicodedata.combining(char):
            continue  # controls, zero-width joiners, BOMs and stray accents print nothing worth a '?'
        else:
            decomposed = "".join(c for c in unicodedata.normalize("NFKD", char) if ord(c) in covers and not unicodedata.combining(c))
            substitute = _ASCII_FORMS.get(char, "")
            if decomposed:
                out.append(decomposed)
            elif substitute and all(ord(c) in covers for c in substitute):
                out.append(substitute)
            else:
                out.append("?")
    return "".join(out)


class _Letter(FPDF):
    def __init__(self, font: Font, page_label: str):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.letter_font = font
        self.page_label = page_label
        self.broke_page = False

    @property
    def accept_page_break(self) -> bool:
        # Read (a property, in fpdf2) before the footer of every page but the last: a single-page letter never gets here.
        self.broke_page = True
        return self.auto_page_break

    def footer(self) -> None:
        if not self.broke_page:
            return
        self.set_y(-15)
        self.set_font(self.letter_font.family, size=9)
        # The alias is replaced by the page count when the document is closed.
        label = self.page_label.format(page=self.page_no(), pages=self.str_alias_nb_pages)
        self.cell(0, 5, printable(label, self.letter_font.covers), align="C")


class LetterRenderer:
    """Renders `OutgoingMessage`s as letters: `renderer(message) -> (pdf_bytes, page_count)`.

    Layout after DIN 5008 (form B), which window envelopes fit: the sender block top right, the
    recipient in the address field 50 mm from the top edge, the date, the subject in bold, the body,
    and "Page i of n" at the foot of every page of a letter longer than one page.
    """

    LEFT, RIGHT, TOP, BOTTOM = 25.0, 20.0, 15.0, 25.0
    ADDRESS_TOP, ADDRESS_WIDTH = 50.0, 85.0

    def __init__(
        self,
        sender_lines: Sequence[str] = (),
        font_dir: Path | str | None = None,
        *,
        page_label: str = "Page {page} of {pages}",
        today: Callable[[], date] = lambda: datetime.now(UTC).date(),
    ):
        self.sender_lines = list(sender_lines)
        self.font = find_font(Path(font_dir) if font_dir is not None else None)
        self.page_label = page_label
        self.today = today
        if self.font.regular is None:
            log.warning("no letter font found (fonts-dejavu-core or fontpkg-lato): letters print in Latin-1 only")

    def __call__(self, message: OutgoingMessage) -> tuple[bytes, int]:
        font = self.font
        pdf = _Letter(font, self.page_label)
        if font.regular is not None:
            pdf.add_font(font.family, "", font.regular)
            pdf.add_font(font.family, "B", font.bold)
        pdf.set_margins(self.LEFT, self.TOP, self.RIGHT)
        pdf.set_auto_page_break(True, margin=self.BOTTOM)
        pdf.set_title(self._text(message.subject))
        pdf.set_creator("crm-notifications")
        # The same message must render to the same bytes: a fax retry after a lost answer re-uploads the
        # PDF under the same Idempotency-Key, and a provider refuses a key reused with another document.
        today = self.today()
        pdf.set_creation_date(datetime(today.year, today.month, today.day, tzinfo=UTC))
        pdf.add_page()

        pdf.set_font(font.family, size=9)
        for line in self.sender_lines:
            pdf.set_x(self.LEFT)
            pdf.cell(0, 4.2, self._text(line), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

        pdf.set_y(max(self.ADDRESS_TOP, pdf.get_y() + 6))
        pdf.set_font(font.family, size=11)
        for line in self._address_block(message):
            pdf.cell(self.ADDRESS_WIDTH, 5, self._text(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

        pdf.set_y(max(95.0, pdf.get_y() + 10))
        pdf.cell(0, 5, self.today().isoformat(), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

        pdf.ln(8)
        pdf.set_font(font.family, "B", size=12)
        pdf.multi_cell(0, 6, self._text(message.subject), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

        pdf.ln(6)
        pdf.set_font(font.family, size=11)
        pdf.multi_cell(0, 5.5, self._text(message.text.strip("\n")), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

        return bytes(pdf.output()), pdf.pages_count

    @staticmethod
    def _address_block(message: OutgoingMessage) -> list[str]:
        lines = address_lines(message.recipient)
        name = " ".join(message.recipient_name.split())
        if name and not (lines and lines[0].casefold() == name.casefold()):
            lines.insert(0, name)
        return lines

    def _text(self, text: str) -> str:
        return printable(text, self.font.covers)


def address_lines(recipient: str) -> list[str]:
    """The non-blank lines of a postal address, stripped."""
    return [" ".join(line.split()) for line in recipient.splitlines() if line.strip()]


def render_pdf(message: OutgoingMessage, sender_lines: Iterable[str] = ()) -> tuple[bytes, int]:
    """One-off rendering; long-lived code keeps a LetterRenderer, which finds its font once."""
    return LetterRenderer(list(sender_lines))(message)
