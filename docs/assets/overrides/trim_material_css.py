"""Trim Material for MkDocs' two stylesheets to the parts this site can use.

    .venv/bin/python docs/assets/overrides/trim_material_css.py          # rewrite them
    .venv/bin/python docs/assets/overrides/trim_material_css.py --check  # exit 1 if stale

Material's main.css carries every feature of the theme (code blocks, content tabs, blog,
tags, right-to-left languages, ...) and is render-blocking on every page. This reads the
installed mkdocs-material's main and palette stylesheets and writes copies under the same
names into theme/assets/stylesheets/ beside this file. MkDocs serves a custom_dir's file in
place of the theme's file of the same path, so the pages link the trimmed copies without a
template change; when mkdocs-material is upgraded its stylesheets get new names and the
full ones are used again until this is re-run.

A feature's rules are dropped only while mkdocs.yml leaves it off (see GROUPS); turning one
on (pymdownx.highlight, navigation.tabs, repo_url, ...), choosing another palette colour or
writing an admonition of a new type (those found in generator/ and docs/ are kept; another
would look like a plain note) means re-running this; `make lighthouse` runs --check. The one rule
dropped whatever the configuration is Material's [data-md-color-switching] rule: the
attribute is set and removed on every page load, and that selector made each of those a
restyle of the whole page (thousands of elements on our long tables); without it a switch
of colour scheme may animate the few colours that have transitions.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from mkdocs.utils.yaml import yaml_load

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
THEME = HERE / "theme"  # mkdocs.yml: theme.custom_dir
OUT = THEME / "assets" / "stylesheets"
SOURCES = ("main", "palette")  # assets/stylesheets/<name>.<hash>.min.css in Material
RTL_LANGUAGES = {"ar", "dv", "fa", "he", "ku", "ps", "sd", "ug", "ur", "yi"}


@dataclass(frozen=True)
class Site:
    """What of mkdocs.yml decides which features of the theme the pages can show."""

    extensions: frozenset[str]
    features: frozenset[str]
    plugins: frozenset[str]
    config: dict[str, Any]
    overrides: str  # the text of main.html, for blocks that bring in a feature
    colours: frozenset[str]  # the palette's primary and accent colours
    admonitions: frozenset[str]  # the admonition types the pages' sources use

    def extra(self, key: str) -> Any:
        return (self.config.get("extra") or {}).get(key)


def _names(entries: Any) -> frozenset[str]:
    """Names of a list of `name` or `{name: options}` entries (extensions, plugins)."""
    names: set[str] = set()
    for entry in entries or ():
        names.update([entry] if isinstance(entry, str) else entry)
    return frozenset(names)


def _admonition_types() -> frozenset[str]:
    """Types of the admonitions written by the generator's templates and code and by the
    pages in docs/ (`!!! warning`, `??? note`, class="admonition warning")."""
    found: set[str] = set()
    for folder, pattern in ((ROOT / "generator", "*"), (ROOT / "docs", "*.md")):
        for path in folder.rglob(pattern):
            if path.suffix in {".md", ".j2", ".py", ".html"} and path.is_file():
                text = path.read_text("utf-8", errors="replace")
                found.update(re.findall(r"(?:!!!|\?\?\?\+?)\s*([a-z]+)", text))
                found.update(re.findall(r"\badmonition ([a-z]+)", text))
    return frozenset(found)


def read_site(config_file: Path) -> Site:
    with config_file.open("rb") as handle:
        config = yaml_load(handle)
    theme = config.get("theme") or {}
    palette = theme.get("palette") or []
    # base.html's defaults for a palette entry without the colour
    colours = {entry.get(key) or "indigo" for entry in
               ([palette] if isinstance(palette, dict) else palette)
               for key in ("primary", "accent")}
    return Site(extensions=_names(config.get("markdown_extensions")),
                features=frozenset(theme.get("features") or ()),
                plugins=_names(config.get("plugins")),
                config=config,
                overrides=(THEME / "main.html").read_text("utf-8"),
                colours=frozenset(c.replace(" ", "-") for c in colours),
                admonitions=_admonition_types())


@dataclass(frozen=True)
class Group:
    """One feature of the theme: its selectors, its custom properties, when it is on."""

    name: str
    selectors: str  # a regular expression searched in each selector of a rule
    used: Callable[[Site], bool]
    variables: tuple[str, ...] = ()  # custom properties (by prefix) only this feature reads


def _rtl(site: Site) -> bool:
    theme = site.config.get("theme") or {}
    return theme.get("direction") == "rtl" or theme.get("language") in RTL_LANGUAGES


GROUPS = (
    Group("right-to-left text", r"\[dir=rtl\]", _rtl),
    Group("palette switch without transitions", r"\[data-md-color-switching\]",
          lambda site: False),
    Group("code blocks", r"\.highlight|\.linenos|\.linenodiv|\.md-clipboard|\.md-code__"
          r"|\.md-annotation",
          lambda site: bool(site.extensions & {"pymdownx.highlight", "pymdownx.superfences",
                                               "pymdownx.inlinehilite", "codehilite"}),
          ("--md-code-hl-", "--md-code-copy-icon", "--md-code-select-icon",
           "--md-clipboard-icon", "--md-annotation-")),
    Group("content tabs", r"\.tabbed-", lambda site: "pymdownx.tabbed" in site.extensions,
          ("--md-tabbed-",)),
    Group("task lists", r"\.task-list", lambda site: "pymdownx.tasklist" in site.extensions,
          ("--md-tasklist-",)),
    Group("diagrams", r"\.mermaid", lambda site: "pymdownx.superfences" in site.extensions,
          ("--md-mermaid-",)),
    Group("maths", r"\.arithmatex|\.katex|mjx-container",
          lambda site: "pymdownx.arithmatex" in site.extensions),
    Group("critic marks", r"\.critic", lambda site: "pymdownx.critic" in site.extensions),
    Group("keys", r"\.keys\b", lambda site: "pymdownx.keys" in site.extensions),
    Group("emoji", r"\.twemoji|\.emojione|\.gemoji",
          lambda site: "pymdownx.emoji" in site.extensions),
    Group("blog", r"\.md-post|\.md-profile|\.md-author",
          lambda site: bool(site.plugins & {"blog", "material/blog"}), ("--md-post-",)),
    Group("tags", r"\.md-tag", lambda site: bool(site.plugins & {"tags", "material/tags"}),
          ("--md-tag-",)),
    Group("versions", r"\.md-version", lambda site: bool(site.extra("version")),
          ("--md-version-",)),
    Group("banners", r"\.md-banner",
          lambda site: bool(site.extra("version")) or "announce.dismiss" in site.features
          or bool(re.search(r"block\s+(announce|outdated)", site.overrides))),
    Group("cookie consent", r"\.md-consent", lambda site: bool(site.extra("consent"))),
    Group("navigation tabs", r"\.md-tabs", lambda site: "navigation.tabs" in site.features),
    Group("breadcrumbs", r"\.md-path", lambda site: "navigation.path" in site.features),
    Group("repository", r"\.md-source", lambda site: bool(site.config.get("repo_url")),
          ("--md-source-",)),
    Group("social links", r"\.md-social", lambda site: bool(site.extra("social"))),
    Group("page status", r"\.md-status", lambda site: bool(site.extra("status")),
          ("--md-status",)),
    Group("feedback", r"\.md-feedback",
          lambda site: bool((site.extra("analytics") or {}).get("feedback"))),
    Group("progress bar", r"\.md-progress",
          lambda site: "navigation.instant.progress" in site.features),
    Group("tooltips", r"\.md-tooltip",
          lambda site: bool(site.features & {"content.tooltips", "content.code.annotate",
                                             "navigation.instant.preview"}),
          ("--md-tooltip-",)),
    Group("footer navigation", r"\.md-footer__",
          lambda site: "navigation.footer" in site.features),
)


# Material's admonition types, each family under its first name (which names its icon).
# "note" is the plain admonition, always kept.
ADMONITION_FAMILIES = (
    ("abstract", "summary", "tldr"), ("info", "todo"), ("tip", "hint", "important"),
    ("success", "check", "done"), ("question", "help", "faq"),
    ("warning", "caution", "attention"), ("failure", "fail", "missing"),
    ("danger", "error"), ("bug",), ("example",), ("quote", "cite"),
)


def groups_for(site: Site, stylesheets: dict[str, str]) -> list[Group]:
    """GROUPS, then the palette colours and admonition types the site does not use."""
    found = set(re.findall(r"data-md-color-(?:primary|accent)=([\w-]+)",
                           "".join(stylesheets.values())))
    colours = sorted(found - site.colours)
    families = [f for f in ADMONITION_FAMILIES if not site.admonitions & set(f)]
    extra = []
    if colours:
        extra.append(Group("other palette colours",
                           r"\[data-md-color-(?:primary|accent)=(?:" + "|".join(colours) + r")\]",
                           lambda site: False))
    if families:
        names = [name for family in families for name in family]
        extra.append(Group("admonition types " + ", ".join(f[0] for f in families),
                           r"\.(?:" + "|".join(names) + r")(?![\w-])", lambda site: False,
                           tuple(f"--md-admonition-icon--{f[0]}:" for f in families)))
    return list(GROUPS) + extra


# --- a minimal reader of minified CSS --------------------------------------------------


def _scan(css: str, start: int, stops: str) -> int:
    """Index of the first character of `stops` at nesting depth 0 from `start`, outside
    strings, comments, brackets and parentheses (len(css) if none)."""
    depth, i = 0, start
    while i < len(css):
        char = css[i]
        if char in "\"'":
            i = css.index(char, i + 1) + 1
            continue
        if css.startswith("/*", i):
            i = css.index("*/", i + 2) + 2
            continue
        if depth == 0 and char in stops:
            return i
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        i += 1
    return i


def _rules(css: str) -> Iterator[tuple[str, str | None]]:
    """(prelude, block) of each top-level rule; block None for a statement like @charset."""
    i = 0
    while i < len(css):
        end = _scan(css, i, "{;")
        prelude = css[i:end].strip()
        if end >= len(css) or css[end] == ";":
            if prelude:
                yield prelude, None
            i = end + 1
            continue
        close = _scan(css, end + 1, "}")
        yield prelude, css[end + 1:close]
        i = close + 1


def _split(text: str, separator: str) -> list[str]:
    parts, i = [], 0
    while i <= len(text):
        end = _scan(text, i, separator)
        parts.append(text[i:end])
        i = end + 1
    return parts


def _without_comments(css: str) -> str:
    out, i = [], 0
    while i < len(css):
        char = css[i]
        if char in "\"'":
            end = css.index(char, i + 1) + 1
            out.append(css[i:end])
            i = end
        elif css.startswith("/*", i):
            i = css.index("*/", i + 2) + 2
        else:
            out.append(char)
            i += 1
    return "".join(out)


def trim(css: str, dropped: list[Group]) -> str:
    """`css` without the selectors and custom properties of the dropped groups."""
    pattern = re.compile("|".join(f"(?:{g.selectors})" for g in dropped)) if dropped else None
    variables = tuple(v for g in dropped for v in g.variables)
    out = []
    for prelude, block in _rules(css):
        if block is None:
            out.append(prelude + ";")
        elif prelude.startswith(("@media", "@supports", "@layer", "@container")):
            inner = trim(block, dropped)
            if inner:
                out.append(f"{prelude}{{{inner}}}")
        elif prelude.startswith("@"):
            out.append(f"{prelude}{{{block}}}")  # @keyframes, @font-face, @page: as they are
        else:
            selectors = [s for s in _split(prelude, ",")
                         if not (pattern and pattern.search(s))]
            declarations = [d for d in _split(block, ";")
                            if d and not d.strip().startswith(variables or ("\0",))]
            if selectors and declarations:
                out.append(",".join(selectors) + "{" + ";".join(declarations) + "}")
    return "".join(out)


def material_stylesheets() -> dict[str, str]:
    """{file name: text} of Material's main and palette stylesheets, as installed."""
    folder = resources.files("material") / "templates" / "assets" / "stylesheets"
    found = {}
    for item in folder.iterdir():
        match = re.fullmatch(r"(\w+)\.[0-9a-f]+\.min\.css", item.name)
        if match and match.group(1) in SOURCES:
            found[item.name] = item.read_text("utf-8")
    missing = set(SOURCES) - {name.split(".")[0] for name in found}
    if missing:
        raise SystemExit(f"trim_material_css: no {', '.join(sorted(missing))} stylesheet in "
                         f"{folder}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true",
                        help="only report whether the trimmed files are current (exit 1 if not)")
    parser.add_argument("--config-file", type=Path, default=ROOT / "mkdocs.yml")
    args = parser.parse_args(argv)
    site = read_site(args.config_file)
    sources = material_stylesheets()
    dropped = [g for g in groups_for(site, sources) if not g.used(site)]
    version = metadata.version("mkdocs-material")
    header = (f"/* mkdocs-material {version}'s file of this name, trimmed to what the site "
              f"uses by docs/assets/overrides/trim_material_css.py */")
    stale = []
    for name, css in sorted(sources.items()):
        body = trim(_without_comments(css), dropped)
        # @charset counts only as the very first thing in the file.
        charset, body = re.match(r"((?:@charset [^;]+;)?)(.*)", body, re.S).groups()  # type: ignore[union-attr]
        text = charset + header + "\n" + body + "\n"
        target = OUT / name
        if target.is_file() and target.read_text("utf-8") == text:
            continue
        stale.append(target)
        if not args.check:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, "utf-8")
            print(f"trim_material_css: wrote {target.relative_to(ROOT)} "
                  f"({len(css):,} -> {len(text):,} bytes)")
    # Copies of an older Material's files are never linked; remove them.
    for old in sorted(OUT.glob("*.css")) if OUT.is_dir() else []:
        if old.name not in sources:
            stale.append(old)
            if not args.check:
                old.unlink()
                print(f"trim_material_css: removed {old.relative_to(ROOT)}")
    if not args.check and stale:
        print("trim_material_css: without " + ", ".join(g.name for g in dropped))
    if args.check and stale:
        print("trim_material_css: out of date, run it again: "
              + ", ".join(str(p.relative_to(ROOT)) for p in stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
