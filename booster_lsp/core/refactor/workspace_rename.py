"""Rename across a set of documents (the LSP's open documents): a module-level name and the
documents that import it by name.

Resolvable imports (each checked against the scope model, so text in strings and comments
never matches):

- Python ``from m import name`` / ``from .m import name`` / ``from pkg.m import (a, name as b)``;
  ``m`` resolves to a document whose path ends with ``m/…/x.py`` (or ``…/__init__.py``),
  relative imports from the importing file's directory;
- JavaScript / TypeScript ``import { name } from "./m"`` / ``import { name as b } from "../m.js"``
  (relative specifiers; ``.js``/``.ts``/``.tsx``/``.jsx``/``.mjs``/``.cjs`` and ``index.*`` tried).

An unaliased import is renamed with all its uses in the importing document (with the same
collision checks as a local rename); an aliased one (``name as b``) only in the import.
Renaming an imported name in an importing document renames the definition when the
defining document is among the documents, else it stays a local rename of that document.
Not resolved: ``import m`` + ``m.name``, ``from m import *``, re-exports (``export { x } from``),
CommonJS ``require``, package (non-relative) JS specifiers, Python ``__all__`` strings.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from booster_lsp.core.refactor.languages import apply_edits
from booster_lsp.core.refactor.rename import plan_rename, symbol_at
from booster_lsp.core.refactor.scopes import Binding, ScopeModel, scope_model, symbol_model
from booster_lsp.core.syntax import SyntaxService
from booster_lsp.errors import TransformationError

JS_FAMILY = frozenset({"javascript", "javascriptreact", "typescript", "typescriptreact"})
JS_EXTENSIONS = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts")


@dataclass(frozen=True)
class SourceDocument:
    key: str  # the caller's identifier (a URI)
    path: str  # file system path (posix)
    language: str
    text: str


@dataclass(frozen=True)
class ImportedName:
    module: str  # the module / specifier as written
    name: str  # the imported name
    name_range: tuple[int, int]  # byte range of the imported name
    local_range: tuple[int, int]  # byte range of the local name (== name_range when not aliased)

    @property
    def aliased(self) -> bool:
        return self.name_range != self.local_range


_PY_FROM = re.compile(rb"^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]*)", re.MULTILINE)
_JS_IMPORT = re.compile(rb"\bimport\s+(?:type\s+)?(?:[\w$]+\s*,\s*)?\{([^}]*)\}\s*from\s*(['\"])([^'\"]+)\2")
_NAME = re.compile(rb"([\w$]+)(?:\s+as\s+([\w$]+))?")


def imported_names(language: str, text: bytes) -> list[ImportedName]:
    """``from m import a, b as c`` / ``import { a, b as c } from "m"`` of one document."""
    out: list[ImportedName] = []
    if language == "python":
        for match in _PY_FROM.finditer(text):
            module, names_start = match.group(1).decode(), match.start(2)
            out.extend(_names(module, match.group(2), names_start, skip=b"import"))
    elif language in JS_FAMILY:
        for match in _JS_IMPORT.finditer(text):
            out.extend(_names(match.group(3).decode(), match.group(1), match.start(1), skip=b"type"))
    return out


def _names(module: str, segment: bytes, base: int, skip: bytes) -> list[ImportedName]:
    out = []
    for part in _NAME.finditer(segment):
        if part.group(1) == skip and part.group(2) is None and part.end() < len(segment.rstrip()):
            continue  # `import { type X }`: the modifier
        name_range = (base + part.start(1), base + part.end(1))
        local_range = (base + part.start(2), base + part.end(2)) if part.group(2) else name_range
        out.append(ImportedName(module, part.group(1).decode(), name_range, local_range))
    return out


def resolves_to(importer: SourceDocument, module: str, target: SourceDocument) -> bool:
    """Does ``module`` (as written in ``importer``) name the document ``target``?"""
    if importer.language == "python":
        if target.language != "python":
            return False
        dots = len(module) - len(module.lstrip("."))
        parts = [p for p in module[dots:].split(".") if p]
        if dots:
            base = posixpath.dirname(importer.path)
            for _ in range(dots - 1):
                base = posixpath.dirname(base)
            stem = posixpath.join(base, *parts) if parts else base
            return target.path in (stem + ".py", posixpath.join(stem, "__init__.py"))
        if not parts:
            return False
        tail = "/".join(parts)
        return target.path.endswith(("/" + tail + ".py", "/" + tail + "/__init__.py"))
    if importer.language in JS_FAMILY and target.language in JS_FAMILY and module.startswith("."):
        stem = posixpath.normpath(posixpath.join(posixpath.dirname(importer.path), module))
        root, extension = posixpath.splitext(stem)
        candidates = {stem} | {stem + ext for ext in JS_EXTENSIONS} | {posixpath.join(stem, "index" + ext) for ext in JS_EXTENSIONS}
        if extension in (".js", ".jsx", ".mjs", ".cjs"):  # TypeScript's `import "./m.js"` of m.ts
            candidates |= {root + ext for ext in JS_EXTENSIONS}
        return target.path in candidates
    return False


def _family(language: str) -> str:
    return "js" if language in JS_FAMILY else language


def _refuse(message: str) -> TransformationError:
    return TransformationError(message, kind="refused")


def _import_binding(model: ScopeModel, entry: ImportedName) -> Binding | None:
    """The module-level binding an import creates (checks the import is real code)."""
    occurrence = model.occurrence_at(entry.local_range[0])
    if occurrence is None or occurrence.binding is None or (occurrence.start, occurrence.end) != entry.local_range:
        return None
    return occurrence.binding if occurrence.binding.scope is model.module else None


def prepare(syntax: SyntaxService, document: SourceDocument, offset: int) -> tuple[int, int, str]:
    """(start, end, name) in bytes of the renameable symbol at a byte offset, or refused."""
    from booster_lsp.core.refactor.rename import prepare_rename

    return prepare_rename(syntax, document.language, document.text, offset)


def rename_in_documents(
    syntax: SyntaxService, documents: list[SourceDocument], target: str, offset: int, new_name: str
) -> dict[str, str]:
    """New texts (by key) of the documents a rename of the symbol at byte ``offset`` of the
    document ``target`` changes. Refused (TransformationError) with the reason."""
    by_key = {document.key: document for document in documents}
    document = by_key[target]
    data = document.text.encode("utf-8")
    model = symbol_model(syntax, document.language, data, offset)
    occurrence = symbol_at(model, offset)
    if occurrence is None or occurrence.binding is None or not occurrence.binding.defined:
        raise _refuse("no renameable symbol here")
    binding = occurrence.binding
    peers = [d for d in documents if d.key != target and _family(d.language) == _family(document.language)]

    # An imported name whose defining document is open: rename at the definition.
    if binding.scope is model.module:
        for entry in imported_names(document.language, data):
            if entry.aliased or _import_binding(model, entry) is not binding:
                continue
            source = next((d for d in peers if resolves_to(document, entry.module, d)), None)
            if source is None:
                break  # the definition is not open: renamed here through an alias (plan_rename)
            source_model = scope_model(syntax, source.language, source.text.encode("utf-8"))
            defined = source_model.module.bindings.get(entry.name)
            if defined is not None and defined.defined:
                document, model, binding = source, source_model, defined
                data = source.text.encode("utf-8")
                peers = [d for d in documents if d.key != source.key and _family(d.language) == _family(source.language)]
            break

    plan = plan_rename(model, binding, new_name)
    results = {document.key: apply_edits(data, plan.edits).decode("utf-8")}
    if binding.scope is not model.module or not plan.edits:
        return results
    for other in peers:
        other_data = other.text.encode("utf-8")
        entries = [e for e in imported_names(other.language, other_data)
                   if e.name == binding.name and resolves_to(other, e.module, document)]
        if not entries:
            continue
        other_model = scope_model(syntax, other.language, other_data)
        edits: list[tuple[int, int, bytes]] = []
        for entry in entries:
            local = _import_binding(other_model, entry)
            if local is None:
                continue
            if entry.aliased:
                edits.append((*entry.name_range, new_name.encode("utf-8")))
                continue
            try:
                edits.extend(plan_rename(other_model, local, new_name, alias_imports=False).edits)
            except TransformationError as error:
                raise _refuse(f"{posixpath.basename(other.path)}: {error.message}") from None
        if edits:
            results[other.key] = apply_edits(other_data, sorted(set(edits))).decode("utf-8")
    return results
