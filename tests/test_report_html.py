"""`pmprb report`: the standalone HTML report with charts, its escaping, and the page as a
real browser shows and prints it (headless Chromium)."""

from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmprb.cli import app

from .conftest import ROOT, need_program

CITY = ROOT / "assessments" / "kota-sukamaju-2021"
# the units of the example city by index, from tests/golden/scores (highest first)
UNITS = [
    ("Dinas Komunikasi dan Informatika", "77.72"),
    ("Inspektorat", "69.96"),
    ("Badan Perencanaan Pembangunan Daerah", "68.38"),
    ("Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "64.25"),
    ("Dinas Kesehatan", "58.69"),
    ("Kecamatan Sukamaju Utara", "41.70"),
]
CITY_SECTIONS = ["Overview", "Ranking", "Areas of change", "Components"]


class _Page(HTMLParser):
    """Elements of a page: tags counted, section titles, and per chart its drawn marks."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, int] = {}
        self.h2: list[str] = []
        self.charts: dict[str, dict[str, int]] = {}
        self.root: dict[str, str | None] = {}
        self._in_h2 = False
        self._stack: list[tuple[str, str | None]] = []  # (tag, chart id it opened)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if tag == "html":
            self.root = a
        if tag == "h2":
            self._in_h2 = True
            self.h2.append("")
        opened = None
        if tag == "div" and "chart" in (a.get("class") or "").split():
            opened = a.get("id") or ""
            self.charts[opened] = {}
        current = next((c for _t, c in reversed(self._stack) if c is not None), None)
        if current is not None:
            marks = self.charts[current]
            classes = (a.get("class") or "").split()
            for key in ("main-svg", "point", "js-fill", "hm"):
                if key in classes:
                    marks[key] = marks.get(key, 0) + 1
            if tag == "image" and (a.get("href") or a.get("xlink:href") or "").startswith("data:"):
                marks["image"] = marks.get("image", 0) + 1
        if tag not in ("meta", "br", "img", "input", "link", "hr", "image", "path", "rect"):
            self._stack.append((tag, opened))
        elif opened is not None:
            pass

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._in_h2 = False
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                del self._stack[i:]
                break

    def handle_data(self, data: str) -> None:
        if self._in_h2:
            self.h2[-1] += data


def _parse(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    return page


def _report(runner: CliRunner, out: Path, *args: str) -> str:
    result = runner.invoke(app, ["report", *args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


def test_city_report_sections_numbers_and_language(runner: CliRunner, tmp_path: Path) -> None:
    text = _report(runner, tmp_path / "r.html", str(CITY))
    page = _parse(text)
    assert page.root.get("lang") == "en"
    assert page.h2 == CITY_SECTIONS + [name for name, _i in UNITS]
    assert page.tags["script"] == 4  # error catcher, plotly.js, the charts' JSON, the drawing
    # 4 city charts (categories, ranking, heat map, components) + 2 per unit
    assert len(page.charts) == 4 + 2 * len(UNITS)
    # mean index by hand: (77.72 + 69.96 + 68.38 + 64.25 + 58.69 + 41.70) / 6 = 63.45
    assert "63.45" in text
    for _name, index in UNITS:
        assert f'<td class="num">{index}</td>' in text
    assert "provisional" in text  # permenpanrb-26-2020 has placeholder weights
    assert "http://" not in text.split("<script>")[0]  # nothing fetched: no external links
    assert "<link" not in text
    assert 'src="http' not in text

    ind = _report(runner, tmp_path / "id.html", str(CITY), "--lang", "id")
    assert _parse(ind).root.get("lang") == "id"
    assert "Laporan PMPRB" in ind
    assert "63,45" in ind
    assert '<td class="num">77,72</td>' in ind


def test_one_unit_has_its_own_section_only(runner: CliRunner, tmp_path: Path) -> None:
    text = _report(runner, tmp_path / "r.html", str(CITY / "dinkes.yaml"))
    page = _parse(text)
    assert page.h2 == ["Dinas Kesehatan"]
    assert len(page.charts) == 2  # components and areas
    assert "58.69" in text
    # the two answers it takes from the city's shared file, and where from
    shared = CITY / "bersama.yaml"
    assert (
        f'<p class="shared" data-shared="{shared}">From the shared file {shared}: '
        "ha.pw.kapabilitas_apip.nilai, hasil.akuntabilitas.opini_bpk.nilai</p>"
    ) in text
    ind = _report(runner, tmp_path / "id.html", str(CITY / "dinkes.yaml"), "--lang", "id")
    assert f"Dari berkas bersama {shared}: " in ind


HOSTILE_NAME = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
HOSTILE_NOTE = '"><img src=y onerror=alert(3)></script><script>alert(4)</script>'


def test_hostile_names_and_notes_are_text(runner: CliRunner, tmp_path: Path) -> None:
    source = (CITY / "dinkes.yaml").read_text(encoding="utf-8")
    source = source.replace("name: Dinas Kesehatan", f"name: '{HOSTILE_NAME}'")
    source = source.replace('code: "1.02.01"', "code: '</script><b>1</b>'")
    source = source.replace(
        "note: Belum ada petugas yang ditunjuk; direncanakan tahun 2022.",
        f"note: '{HOSTILE_NOTE}'",
    )
    assert HOSTILE_NAME in source
    assert HOSTILE_NOTE in source
    folder = tmp_path / "city"
    folder.mkdir()
    (folder / "evil.yaml").write_text(source, encoding="utf-8")
    for name in ("inspektorat.yaml", "bersama.yaml"):  # and the city's shared values
        (folder / name).write_bytes((CITY / name).read_bytes())
    text = _report(runner, tmp_path / "r.html", str(folder))
    page = _parse(text)
    assert page.tags["script"] == 4
    assert "img" not in page.tags
    assert "b" not in page.tags
    assert "alert" not in text.split("<script>")[0].replace("&lt;script&gt;alert", "")
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;img src=x onerror=alert(2)&gt;"
    assert escaped in text  # the name as the reader sees it, in the page's text
    assert "&#34;&gt;&lt;img src=y onerror=alert(3)&gt;" in text  # the note (weakest rows)
    # in the charts' JSON the name is HTML-escaped for plotly and `<` never appears raw
    charts = text.split('id="pmprb-charts">', 1)[1].split("</script>", 1)[0]
    assert "<" not in charts
    assert "&amp;lt;script&amp;gt;" not in charts
    assert "\\u0026lt;script\\u0026gt;alert(1)" in charts


CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--enable-logging=stderr",
    "--v=0",
]


def test_city_report_in_a_real_browser(runner: CliRunner, tmp_path: Path) -> None:
    chromium = need_program("chromium")
    need_program("pdftotext")
    html_file = tmp_path / "report.html"
    _report(runner, html_file, str(CITY))
    png, pdf = tmp_path / "report.png", tmp_path / "report.pdf"
    run = subprocess.run(
        [
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=800,1400",
            f"--screenshot={png}",
            f"--print-to-pdf={pdf}",
            "--no-pdf-header-footer",
            "--dump-dom",
            html_file.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    console = [ln for ln in run.stderr.splitlines() if ":CONSOLE" in ln]
    assert console == []  # no error, warning or log line from the page's scripts
    page = _parse(run.stdout)
    assert "data-errors" not in page.root
    assert page.root.get("data-charts") == str(4 + 2 * len(UNITS))  # every figure drawn
    marks = list(page.charts.values())
    assert len(marks) == 4 + 2 * len(UNITS)
    categories, ranking, heat, components = marks[:4]
    assert categories.get("main-svg")
    assert categories.get("point") == 7
    assert ranking.get("point") == len(UNITS)
    assert heat.get("hm") == 1
    assert heat.get("image") == 1
    assert components.get("point", 0) >= 5  # the 5 top-level components at least
    for unit_bars, unit_radar in zip(marks[4::2], marks[5::2], strict=True):
        assert unit_bars.get("point", 0) >= 5
        assert unit_radar.get("js-fill") == 1
        assert unit_radar.get("point", 0) >= 3

    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 20_000
    pages = int(
        re.search(
            r"Pages:\s+(\d+)",
            subprocess.run(
                ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True
            ).stdout,
        ).group(1)  # type: ignore[union-attr]
    )
    titles = CITY_SECTIONS + [name for name, _i in UNITS]
    firsts = []
    for n in range(1, pages + 1):
        out = subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        firsts.append(next((ln.strip() for ln in out.splitlines() if ln.strip()), ""))
    # every section starts a page of its own (page 1 starts with the report's title)
    starts = [t for t in firsts if t in titles]
    assert starts == titles[1:]
    assert firsts[0] in ("PMPRB report",)
    assert pages >= len(titles)


@pytest.mark.parametrize("missing", ["nope.yaml"])
def test_missing_input_writes_nothing(runner: CliRunner, tmp_path: Path, missing: str) -> None:
    out = tmp_path / "r.html"
    result = runner.invoke(app, ["report", str(tmp_path / missing), "-o", str(out)])
    assert result.exit_code == 2
    assert not out.exists()


def test_compare_shows_each_unit_then_and_now(runner: CliRunner, tmp_path: Path) -> None:
    old = tmp_path / "2020"
    old.mkdir()
    shared = (CITY / "bersama.yaml").read_text(encoding="utf-8")  # the shared values "then"
    (old / "bersama.yaml").write_text(shared.replace("year: 2021", "year: 2020"), "utf-8")
    # Dinas Kesehatan "then" had Diskominfo's answers (77.72): 58.69 - 77.72 = -19.03
    kominfo = (CITY / "diskominfo.yaml").read_text(encoding="utf-8")
    assert 'code: "2.16.01"' in kominfo
    then = kominfo.replace("year: 2021", "year: 2020").replace('code: "2.16.01"', 'code: "1.02.01"')
    (old / "dinkes.yaml").write_text(then, encoding="utf-8")
    # Inspektorat unchanged (69.96 both years: +0.00 is shown as 0.00)
    same = (
        (CITY / "inspektorat.yaml").read_text(encoding="utf-8").replace("year: 2021", "year: 2020")
    )
    (old / "inspektorat.yaml").write_text(same, encoding="utf-8")
    # a unit that exists only then
    gone = same.replace('code: "6.01.01"', 'code: "9.99.99"').replace(
        "name: Inspektorat", "name: Dinas Lama"
    )
    (old / "gone.yaml").write_text(gone, encoding="utf-8")
    text = _report(runner, tmp_path / "r.html", str(CITY), "--compare", str(old))
    page = _parse(text)
    assert page.h2[:5] == [*CITY_SECTIONS, "Trend"]
    trend = text.split('data-section="trend"', 1)[1].split("</section>", 1)[0]
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", trend)
    i = cells.index("Dinas Kesehatan")
    assert cells[i : i + 5] == ["Dinas Kesehatan", "1.02.01", "77.72", "58.69", "-19.03"]
    i = cells.index("Inspektorat")
    assert cells[i : i + 5] == ["Inspektorat", "6.01.01", "69.96", "69.96", "0.00"]
    i = cells.index("Kecamatan Sukamaju Utara")
    assert cells[i + 2 : i + 5] == ["-", "41.70", "-"]  # not in the compared files
    assert "Dinas Lama" in cells
    assert "9.99.99" in cells
    assert len(page.charts) == 4 + 1 + 2 * len(UNITS)


def _three_year_report(runner: CliRunner, tmp_path: Path, *args: str) -> str:
    from .test_trend import _three_years

    y20, y21, y22 = _three_years(tmp_path)
    return _report(
        runner,
        tmp_path / "r.html",
        str(y22),
        "--compare",
        str(y21),
        "--compare",
        str(y20),
        "--rules",
        str(tmp_path / "tiny.yaml"),
        *args,
    )


def _section_cells(text: str, kind: str) -> list[list[str]]:
    """The cells of each section of a kind, in page order."""
    parts = text.split(f'data-section="{kind}"')[1:]
    return [re.findall(r"<td[^>]*>([^<]*)</td>", p.split("</section>", 1)[0]) for p in parts]


def test_compare_several_years_same_figures_as_batch(runner: CliRunner, tmp_path: Path) -> None:
    # the hand-computed three-year city of tests/test_trend.py (its comment has the sums)
    text = _three_year_report(runner, tmp_path)
    page = _parse(text)
    assert page.h2[:7] == [*CITY_SECTIONS, "Trend", "Trend", "Index year by year"]
    first, second = _section_cells(text, "trend")
    i = first.index("Unit Satu")
    row = ["2 → 1", "Unit Satu", "9.01", "60.00", "100.00", "+40.00", "B", "B"]
    assert first[i - 1 : i + 7] == row
    i = first.index("Unit Empat")  # new in 2022: nothing then
    assert first[i - 1 : i + 7] == ["2", "Unit Empat", "9.04", "-", "60.00", "-", "-", "B"]
    i = first.index("9.02")  # only in 2021: listed under the earlier files
    assert first[i - 1] == "=1+2|*x*_&lt;b&gt;#\\nx"
    i = first.index("B (Baik)")  # units per category then and now
    assert first[i : i + 6] == ["B (Baik)", "2", "2", "C (Kurang)", "1", "1"]
    i = first.index("Area Satu")
    areas = ["Area Satu", "41.7%", "75.0%", "+33.3%", "Area Dua", "66.7%", "66.7%", "0.0%"]
    assert first[i : i + 8] == areas
    i = second.index("Area Dua")
    areas = ["Area Dua", "50.0%", "66.7%", "+16.7%", "Area Satu", "62.5%", "75.0%", "+12.5%"]
    assert second[i : i + 8] == areas
    assert "Improved: Area Dua, Area Satu" in text
    (history,) = _section_cells(text, "history")
    assert history[:5] == ["Unit Satu", "9.01", "20.00 (C)", "60.00 (B)", "100.00 (B)"]
    assert history[-5:] == ["=1+2|*x*_&lt;b&gt;#\\nx", "9.02", "90.00 (B)", "70.00 (B)", "-"]
    assert "<b>" not in text

    ind = _three_year_report(runner, tmp_path / "id", "--lang", "id")
    first, _second = _section_cells(ind, "trend")
    i = first.index("Area Satu")
    assert first[i : i + 4] == ["Area Satu", "41,7%", "75,0%", "+33,3%"]
    assert "Membaik: Area Satu" in ind
    assert "Indeks dari tahun ke tahun" in ind


def test_compare_report_in_a_real_browser(runner: CliRunner, tmp_path: Path) -> None:
    chromium = need_program("chromium")
    _three_year_report(runner, tmp_path)
    run = subprocess.run(
        [
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            (tmp_path / "r.html").as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert [ln for ln in run.stderr.splitlines() if ":CONSOLE" in ln] == []
    page = _parse(run.stdout)
    assert "data-errors" not in page.root
    # 4 city charts, 2 trends, the years' lines, 2 per unit (3 units)
    assert page.root.get("data-charts") == str(4 + 2 + 1 + 2 * 3)
    marks = list(page.charts.values())
    trend_a, trend_b, years = marks[4:7]
    assert trend_a.get("point") == 2 * 2  # two units in both years, then and now
    assert trend_b.get("point") == 2 * 1
    assert years.get("point") == 3 + 1 + 2 + 2  # every year a unit has an index
