"""How every page the project writes for QA prints: landscape A4, columns that wrap instead of being
cut, table headers repeated on each page, and "page x of y" in the margin.

Chromium lays out @page margin boxes since version 131; a table's thead repeats on each printed
page when it is a table-header-group. ``overflow-wrap: anywhere`` lets a long token (an ARN, a
construct path, a hash) break inside a cell, which also lets the table shrink to the page: without
it the widest unbreakable token sets the column's minimum width and the last columns fall off the
page (tests/test_validation_package.py prints every page in headless Chromium and fails on a clipped column).
"""

PRINT_CSS = """
@page{size:A4 landscape;margin:14mm 10mm 16mm 10mm;
  @bottom-right{content:"Page " counter(page) " of " counter(pages);font:9pt system-ui,sans-serif;color:#444}}
table{table-layout:auto;max-width:100%}
th,td{overflow-wrap:anywhere;word-break:normal;hyphens:auto}
code,pre{white-space:pre-wrap;overflow-wrap:anywhere}
thead{display:table-header-group}
tr{break-inside:avoid}
@media print{
  body{margin:0;font-size:9.5pt}
  nav,.screen-only{display:none}
  a{color:inherit;text-decoration:none}
  h1,h2,h3{break-after:avoid}
  section{break-inside:auto}
  svg{max-width:100%;height:auto}
}
"""


def page_label(text: str) -> str:
    """A @page rule that prints ``text`` (a document ID and version) at the bottom left of every page."""
    quoted = text.replace("\\", "\\\\").replace('"', '\\"')
    return '@page{@bottom-left{content:"' + quoted + '";font:9pt system-ui,sans-serif;color:#444}}'
