"""Scope-aware rename: one binding, every occurrence that resolves to it, nothing else.

Refuses (TransformationError kind="refused") when the new name is not an identifier, is a
keyword, is already bound in the binding's scope, would be shadowed at one of the binding's
uses, or would capture an existing use of the new name.
"""

from __future__ import annotations

from dataclasses import dataclass

from booster_lsp.core.refactor.languages import apply_edits, check_identifier, column_of, line_col_to_offset, line_of
from booster_lsp.core.refactor.scopes import Binding, Occurrence, ScopeModel, scope_model, symbol_model
from booster_lsp.core.syntax import SyntaxService
from booster_lsp.errors import TransformationError


@dataclass
class RenamePlan:
    binding: Binding
    edits: list[tuple[int, int, bytes]]  # byte ranges of the UTF-8 text


def _refuse(message: str, text: bytes | None = None, offset: int | None = None) -> TransformationError:
    if text is not None and offset is not None:
        return TransformationError(message, kind="refused", line=line_of(text, offset), column=column_of(text, offset))
    return TransformationError(message, kind="refused")


def symbol_at(model: ScopeModel, offset: int) -> Occurrence | None:
    occ = model.occurrence_at(offset)
    if occ is None and offset > 0:
        occ = model.occurrence_at(offset - 1)
    return occ


def find_binding(model: ScopeModel, old_name: str | None, line: int | None, column: int | None) -> Binding:
    text = model.text
    if line is not None:
        offset = line_col_to_offset(text, line, column)
        occ = symbol_at(model, offset) if column is not None else None
        if occ is None and old_name:
            line_end = text.find(b"\n", offset)
            on_line = [o for o in model.occurrences_in(offset, line_end if line_end >= 0 else len(text)) if o.name == old_name]
            occ = on_line[0] if on_line else None
        if occ is None:
            where = f"{line}:{column}" if column is not None else f"line {line}"
            raise _refuse(f"no renameable symbol at {where}" + (f" named {old_name!r}" if old_name else ""), text, offset)
        if old_name and occ.name != old_name:
            raise _refuse(f"the symbol at {line}:{column} is {occ.name!r}, not {old_name!r}", text, occ.start)
        binding = occ.binding
        assert binding is not None
    else:
        if not old_name:
            raise _refuse("rename needs old_name or a position (line, column)")
        candidates = model.bindings_named(old_name)
        module_level = [b for b in candidates if b.scope is model.module]
        if module_level:
            binding = module_level[0]
        elif len(candidates) == 1:
            binding = candidates[0]
        elif not candidates:
            raise _refuse(f"no binding named {old_name!r} in this code")
        else:
            lines = ", ".join(str(line_of(text, b.occurrences[0].start)) for b in candidates if b.occurrences)
            raise _refuse(f"{len(candidates)} different bindings are named {old_name!r} (lines {lines}); give line and column to pick one")
    if not binding.defined:
        raise _refuse(f"{binding.name!r} is not defined in this code (a builtin or a name from elsewhere); nothing to rename")
    return binding


def plan_rename(model: ScopeModel, binding: Binding, new_name: str, *, alias_imports: bool = True) -> RenamePlan:
    """Edits renaming ``binding``. A name bound by an import is renamed through an alias
    (`from m import x as new`) so the same thing is imported; ``alias_imports=False`` when the
    imported definition itself is renamed too (a rename across open documents)."""
    language = model.language
    check_identifier(language, new_name)
    old = binding.name
    text = model.text
    if new_name == old:
        return RenamePlan(binding, [])
    scope = binding.scope
    existing = scope.bindings.get(new_name)
    if existing is not None and existing.defined and existing is not binding:
        first = existing.occurrences[0].start if existing.occurrences else scope.start
        raise _refuse(f"{new_name!r} is already defined in the same scope (line {line_of(text, first)})", text, first)
    if language == "python" and (new_name in scope.globals or new_name in scope.nonlocals):
        raise _refuse(f"{new_name!r} is declared global/nonlocal in the same scope", text, scope.start)
    if uses := model.member_uses(binding):
        # `x.old` may be this member or another type's: without types it cannot be told, and
        # renaming only the definition would break every call through a value
        raise _refuse(
            f"{old!r} is a member of a type, used as `.{old}` at line {line_of(text, uses[0])}: without types, "
            f"booster cannot tell which `.{old}` uses refer to it, and renaming only its definition would break them",
            text, uses[0],
        )
    # every use of the binding must still resolve to it under the new name
    for occ in binding.occurrences:
        other = model.resolve_name(occ.scope, new_name, occ.start)
        if other is not None and other is not binding and other.defined and _closer(model, occ, other, binding):
            first = other.occurrences[0].start if other.occurrences else occ.start
            raise _refuse(
                f"renaming {old!r} to {new_name!r} would make the use at line {line_of(text, occ.start)} refer to "
                f"the other {new_name!r} defined at line {line_of(text, first)}",
                text, occ.start,
            )
    # no existing use of new_name may start to resolve to the renamed binding
    for occ in model.occurrences:
        if occ.name != new_name or occ.binding is None:
            continue
        current = occ.binding
        if _would_capture(model, occ, current, binding):
            raise _refuse(
                f"renaming {old!r} to {new_name!r} would capture the existing use of {new_name!r} at line "
                f"{line_of(text, occ.start)}",
                text, occ.start,
            )
    edits = [(o.start, o.end, _replacement(model, o, new_name, alias_imports).encode("utf-8"))
             for o in binding.occurrences]
    if language == "python" and binding.kind == "param":
        edits.extend(_keyword_argument_edits(model, binding, new_name))
    return RenamePlan(binding, sorted(set(edits)))


def _replacement(model: ScopeModel, occ: Occurrence, new_name: str, alias_imports: bool) -> str:
    if occ.shorthand:
        return f"{occ.name}: {new_name}"
    imported = model.import_kind(occ) if alias_imports else None
    if imported == "dotted":
        raise _refuse(
            f"{occ.name!r} is bound by a dotted import (line {line_of(model.text, occ.start)}); "
            f"renaming it would change what is imported",
            model.text, occ.start,
        )
    if imported == "name":
        return f"{occ.name} as {new_name}"
    return new_name


def _scope_chain(model: ScopeModel, occ: Occurrence) -> list:
    if model.language == "python":
        return occ.scope.chain()
    out, s = [], occ.scope
    while s is not None:
        out.append(s)
        s = s.parent
    return out


def _closer(model: ScopeModel, occ: Occurrence, other: Binding, binding: Binding) -> bool:
    """Is `other` found before `binding` when resolving from occ's scope?"""
    chain = _scope_chain(model, occ)
    try:
        i_other = chain.index(other.scope)
    except ValueError:
        return False
    try:
        i_binding = chain.index(binding.scope)
    except ValueError:
        return True
    if i_other == i_binding:  # block languages: two sequential bindings in one scope
        return other.visible_from > binding.visible_from
    return i_other < i_binding


def _would_capture(model: ScopeModel, occ: Occurrence, current: Binding, binding: Binding) -> bool:
    chain = _scope_chain(model, occ)
    if binding.scope not in chain:
        return False
    if model.language != "python" and binding.visible_from > occ.start:
        return False
    if model.language == "python" and occ.scope is not binding.scope and occ.name in occ.scope.bindings:
        return False
    if not current.defined:
        return True
    if current.scope not in chain:
        return False
    i_b, i_c = chain.index(binding.scope), chain.index(current.scope)
    if i_b == i_c:
        return binding.visible_from > current.visible_from
    return i_b < i_c


def _keyword_argument_edits(model: ScopeModel, binding: Binding, new_name: str) -> list[tuple[int, int, bytes]]:
    fn = binding.scope
    if fn.kind != "function" or fn.name_start is None:
        return []
    name_occ = model.occurrence_at(fn.name_start)
    if name_occ is None or name_occ.binding is None:
        return []
    target = name_occ.binding
    old = binding.name.encode("utf-8")
    edits = []
    for callee, (ks, ke) in model.calls:
        if callee.binding is target and model.text[ks:ke] == old:
            edits.append((ks, ke, new_name.encode("utf-8")))
    return edits


def rename(
    syntax: SyntaxService, language: str, code: str, old_name: str | None, new_name: str,
    line: int | None = None, column: int | None = None,
) -> str:
    text = code.encode("utf-8")
    if line is not None and column is not None:
        model = symbol_model(syntax, language, text, line_col_to_offset(text, line, column))
    else:
        model = scope_model(syntax, language, text)
    binding = find_binding(model, old_name, line, column)
    plan = plan_rename(model, binding, new_name)
    return apply_edits(text, plan.edits).decode("utf-8")


def prepare_rename(syntax: SyntaxService, language: str, code: str, offset: int) -> tuple[int, int, str]:
    """(start, end, placeholder) of the renameable symbol at a byte offset, or refused."""
    text = code.encode("utf-8")
    model = symbol_model(syntax, language, text, offset)
    occ = symbol_at(model, offset)
    if occ is None or occ.binding is None or not occ.binding.defined:
        raise _refuse("no renameable symbol here", text, offset)
    return occ.start, occ.end, occ.name
