"""textDocument/hover on a rule code in a suppression comment (``# noqa: F401``, ``# ruff: noqa:
E501``, ``// booster-ignore: BJS008``): the rule's name, what it reports and its documentation,
as ruff server's hover on ``noqa`` codes. Anywhere else: no hover (editors ask at every mouse
move, so this looks at one line and nothing more). It runs in a worker: the first position
conversion of a revision indexes its lines (~18 ms for 100,000 lines here), which must not
hold up the event loop."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lsprotocol import types

from booster_lsp.lsp.convert import lsp_range

if TYPE_CHECKING:
    from booster_lsp.lsp.document_store import DocumentSnapshot
    from booster_lsp.lsp.server import BoosterLanguageServer

#: A suppression comment and the codes it lists (group 1).
_DIRECTIVE = re.compile(r"(?:#\s*(?:ruff:\s*)?noqa|//\s*booster-ignore)\s*:\s*([A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*)",
                        re.IGNORECASE)
_CODE = re.compile(r"[A-Z]+[0-9]+", re.IGNORECASE)


async def hover(ls: BoosterLanguageServer, params: types.HoverParams) -> types.Hover | None:
    snapshot = ls.documents.get(params.text_document.uri)
    if snapshot is None:
        return None
    return await ls.run_in_worker(_hover, ls, snapshot, params.position)


def _hover(ls: BoosterLanguageServer, snapshot: DocumentSnapshot, position: types.Position) -> types.Hover | None:
    codec = snapshot.codec(ls.features.position_encoding)
    offset = codec.offset((position.line, position.character))
    index = snapshot.index
    line_start, line_end = index.line_span(index.line_of(offset))
    line = snapshot.text[line_start:line_end]
    column = offset - line_start
    for directive in _DIRECTIVE.finditer(line):
        for code in _CODE.finditer(directive.group(1)):
            start, end = directive.start(1) + code.start(), directive.start(1) + code.end()
            if start <= column <= end:
                text = describe(code.group().upper(), markdown=ls.features.hover_markdown)
                if text is None:
                    return None
                kind = types.MarkupKind.Markdown if ls.features.hover_markdown else types.MarkupKind.PlainText
                return types.Hover(
                    contents=types.MarkupContent(kind=kind, value=text),
                    range=lsp_range(codec, line_start + start, line_start + end),
                )
    return None


def describe(code: str, *, markdown: bool = True) -> str | None:
    """What a rule code means: Ruff's rules (name, summary, documentation link) and booster's
    own (name, description, link); None for a code neither knows."""
    from booster_lsp.core.lint import ruff_rule_summary, ruff_rule_url, ruff_rules
    from booster_lsp.core.syntax_lint import ALL_RULES

    own = ALL_RULES.get(code)
    if own is not None:
        name, summary, url, origin = own.name, own.description, own.url, "booster"
    else:
        entry = ruff_rules().get(code)
        if entry is None:
            return None
        name, summary, url, origin = entry[0], ruff_rule_summary(code), ruff_rule_url(code), "Ruff"
    if markdown:
        return f"**{code}** `{name}` ({origin})\n\n{summary}\n\n[Documentation]({url})"
    return f"{code} {name} ({origin})\n\n{summary}\n\n{url}"
