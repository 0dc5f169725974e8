"""MkDocs hook for `python -m generator serve` only: the data's problems on every page.

`generator/serve.py` writes the problems, exactly as the terminal prints them, into
`problems.txt` beside the serve-only config that loads this hook and watches that
folder, so MkDocs rebuilds when they appear or go; an empty file means the data is
valid. mkdocs.yml never names this hook, so nothing of it reaches `make build`'s site/.

MkDocs loads this file by path, outside the generator package: stdlib imports only.
"""

from __future__ import annotations

import html
import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.pages import Page

PROBLEMS = "problems.txt"
# In the served site folder: the problems the pages now show, to know when to redraw.
SHOWN = ".generator-problems"
OVERLAY_ID = "generator-problems"
START, END = f"<!--{OVERLAY_ID}-->", f"<!--/{OVERLAY_ID}-->"
# MkDocs says this on every --dirty rebuild; serve uses --dirty on purpose (see serve.py).
DIRTY_WARNING = "A 'dirty' build is being performed"

# Fixed colours and pixel sizes: the overlay must read the same in both of the theme's
# palettes and whatever the page's own styles are. Long paths and values wrap anywhere,
# so nothing scrolls sideways at 360 px.
_STYLE = f"""\
#{OVERLAY_ID}{{position:fixed;inset:0;z-index:2147483647;overflow:auto;box-sizing:border-box;\
padding:12px;background:rgba(0,0,0,.65);font:16px/1.5 system-ui,-apple-system,"Segoe UI",\
Roboto,sans-serif;-webkit-text-size-adjust:100%;text-size-adjust:100%}}
#{OVERLAY_ID} .gp-box{{box-sizing:border-box;max-width:64rem;margin:0 auto;padding:16px 20px;\
background:#fff;color:#1a1a1a;border-top:6px solid #c62828;border-radius:4px}}
#{OVERLAY_ID} h1{{margin:0 0 8px;font-size:20px;line-height:1.3;font-weight:700;color:#b71c1c}}
#{OVERLAY_ID} p{{margin:0 0 12px}}
#{OVERLAY_ID} ol{{list-style:none;margin:0;padding:0}}
#{OVERLAY_ID} li{{margin:0;padding:8px 0;border-top:1px solid #ddd;white-space:pre-wrap;\
overflow-wrap:anywhere;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}}
"""
# The server answers a missing page with 404.html as it is, without the livereload script
# it adds to every other page; so there the overlay speaks livereload's protocol itself:
# ask for the current build's number, then wait for a newer one and reload. Holds no data.
_RELOAD = """<script>addEventListener("load",function(){if(window.livereload)return;\
var id=Date.now();function poll(epoch){fetch("/livereload/"+epoch+"/"+id,{cache:"no-store"})\
.then(function(r){return r.text()}).then(function(t){var now=parseFloat(t);\
if(epoch&&now>epoch)location.reload();else poll(now||epoch)})\
.catch(function(){setTimeout(function(){poll(epoch)},3000)})}poll(0)})</script>"""
ERROR_PAGE = "404.html"
_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)
_BODY = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
_OLD = re.compile(re.escape(START) + ".*?" + re.escape(END), re.DOTALL)


def overlay(report: str, reload: bool = False) -> str:
    """The overlay listing `report` one line to an item, every character escaped;
    `reload` for the error page, which must reload itself."""
    items = "".join(f"<li>{html.escape(line)}</li>" for line in report.splitlines())
    return (f'{START}<div id="{OVERLAY_ID}" role="alert" aria-labelledby="{OVERLAY_ID}-title">'
            '<div class="gp-box">'
            f'<h1 id="{OVERLAY_ID}-title">The data has errors</h1>'
            "<p>Nothing was regenerated: this preview is the last good site. Fix these and "
            "save; the page reloads by itself.</p>"
            f"<ol>{items}</ol></div>{_RELOAD if reload else ''}</div>{END}")


def with_overlay(page: str, report: str, reload: bool = False) -> str:
    """`page` showing `report` on top of it, or without any overlay when `report` is empty."""
    page = _OLD.sub("", page)
    if not report.strip():
        return page
    head, body = _HEAD_END.search(page), _BODY.search(page)
    if head is None or body is None or body.start() < head.end():
        return f"{START}<style>{_STYLE}</style>{END}{overlay(report, reload)}{page}"
    return (page[:head.start()] + f"{START}<style>{_STYLE}</style>{END}"
            + page[head.start():body.end()] + overlay(report, reload) + page[body.end():])


def on_startup(*, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
    """Hide MkDocs' warning about --dirty, which serve asks for; other messages stay."""
    # Once per process (MkDocs does not repeat this event on rebuilds), so one filter.
    logging.getLogger("mkdocs.commands.build").addFilter(_drop_dirty_warning)


def on_post_page(output: str, /, *, page: Page, config: MkDocsConfig) -> str:
    """Each page as it is built: with the overlay while there are problems."""
    return with_overlay(output, _report(config))


def on_post_template(output: str, /, *, template_name: str, config: MkDocsConfig) -> str:
    """The theme's own pages (404.html, answered for every missing page) likewise."""
    if not template_name.endswith(".html"):
        return output
    return with_overlay(output, _report(config), reload=template_name == ERROR_PAGE)


def on_post_build(*, config: MkDocsConfig) -> None:
    """When the problems changed since the last build, redraw the overlay everywhere."""
    # --dirty rebuilds only the pages whose source changed, but the overlay belongs on all
    # of them: when the problems change, redraw it in every page already built. Rewriting
    # an output keeps it newer than its source, so MkDocs still counts it as up to date.
    site = Path(config.site_dir)
    report, shown = _report(config), site / SHOWN
    if shown.is_file() and shown.read_text("utf-8") == report:
        return
    for path in site.rglob("*.html"):
        old = path.read_text("utf-8")
        new = with_overlay(old, report, reload=path == site / ERROR_PAGE)
        if new != old:
            path.write_text(new, encoding="utf-8")
    shown.write_text(report, encoding="utf-8")


def _report(config: MkDocsConfig) -> str:
    path = Path(config.config_file_path).parent / PROBLEMS
    return path.read_text("utf-8") if path.is_file() else ""


def _drop_dirty_warning(record: logging.LogRecord) -> bool:
    return not record.getMessage().startswith(DIRTY_WARNING)
