"""Extract function: lines start_line..end_line become a new function and a call.

Parameters are the names read in the selection that are bound before it in the enclosing
function; returned values are the names assigned in the selection and read after it (a tuple in
Python, an array destructuring in JavaScript / TypeScript). `return` is kept when the selection
ends the enclosing function (`return f(...)`); a `return` elsewhere, or a `break` / `continue`
whose loop is outside the selection, is refused with the reason. `await` makes the new function
async (`await f(...)`), `yield` a generator (`yield from f(...)`). In a method, a selection that
uses `self` / `this` becomes a method of the class.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from booster_lsp.core.refactor.languages import apply_edits, check_identifier, line_col_to_offset
from booster_lsp.core.refactor.scopes import Binding, ScopeModel, function_model, run_query, scope_model
from booster_lsp.core.syntax import SyntaxService
from booster_lsp.errors import TransformationError


def _refuse(message: str, line: int | None = None) -> TransformationError:
    return TransformationError(message, kind="refused", line=line, column=1 if line else None)


@dataclass
class Selection:
    start: int  # byte offset of the first selected line's start
    end: int  # byte offset of the end of the last selected line (before its newline)
    indent: str
    start_line: int
    end_line: int


@dataclass
class Analysis:
    params: list[str] = field(default_factory=list)
    returns: list[str] = field(default_factory=list)
    has_return: bool = False
    is_async: bool = False
    is_generator: bool = False
    globals: list[str] = field(default_factory=list)
    declared_inside: set[str] = field(default_factory=set)  # JS: returned names declared in the selection


def select_lines(text: bytes, start_line: int, end_line: int) -> Selection:
    if start_line < 1 or end_line < start_line:
        raise _refuse(f"invalid line range {start_line}-{end_line}")
    lines = text.split(b"\n")
    if end_line > len(lines) or (end_line == len(lines) and not lines[-1].strip() and end_line > start_line and False):
        raise _refuse(f"line {end_line} is past the end of the code ({len(lines)} lines)")
    # skip blank lines at both ends
    while start_line < end_line and not lines[start_line - 1].strip():
        start_line += 1
    while end_line > start_line and not lines[end_line - 1].strip():
        end_line -= 1
    if not lines[start_line - 1].strip():
        raise _refuse("the selection is empty")
    start = line_col_to_offset(text, start_line)
    end = line_col_to_offset(text, end_line) + len(lines[end_line - 1])
    first = lines[start_line - 1].decode("utf-8")
    indent = first[: len(first) - len(first.lstrip())]
    return Selection(start, end, indent, start_line, end_line)


def _dedent(block: str, indent: str) -> str:
    out = []
    for line in block.split("\n"):
        if line.startswith(indent):
            out.append(line[len(indent):])
        elif not line.strip():
            out.append("")
        else:
            out.append(line.lstrip())
    return "\n".join(out)


def _reindent(block: str, indent: str) -> str:
    return "\n".join((indent + line) if line.strip() else "" for line in block.split("\n"))


_AUGMENTED = re.compile(rb"\s*(\+|-|\*\*|\*|//|/|%|@|&|\||\^|>>|<<)=")


def extract_function(syntax: SyntaxService, language: str, code: str, start_line: int, end_line: int,
                     function_name: str) -> str:
    check_identifier(language, function_name)
    if language == "python":
        return _extract_python(syntax, code, start_line, end_line, function_name)
    from booster_lsp.core.refactor.block_facts import FACTS

    if language in FACTS:
        from booster_lsp.core.refactor.extract_block import extract_block

        return extract_block(syntax, language, code, start_line, end_line, function_name)
    raise TransformationError(f"extract function does not support {language!r}", kind="unsupported")


# ====================================================================== Python
def _extract_python(syntax: SyntaxService, code: str, start_line: int, end_line: int, name: str) -> str:
    text = code.encode("utf-8")
    sel = select_lines(text, start_line, end_line)
    if name_in_use(text, name):
        raise _refuse(f"{name!r} is already used in this file; choose another name for the function")
    # statements inside a function need only that function's model (all their bindings)
    model = function_model(syntax, "python", text, sel.start + len(sel.indent.encode("utf-8"))) \
        or scope_model(syntax, "python", text)
    block = text[sel.start:sel.end].decode("utf-8")
    body = _dedent(block, sel.indent)
    if syntax.parse_errors("python", body):
        raise _refuse(f"lines {sel.start_line}-{sel.end_line} are not a sequence of complete statements", sel.start_line)
    # the statement after the selection must not be deeper (we would cut a compound statement)
    rest = text[sel.end:].split(b"\n")[1:]
    for line in rest:
        if line.strip() and not line.strip().startswith(b"#"):
            ind = len(line) - len(line.lstrip())
            if ind > len(sel.indent.encode()):
                raise _refuse("the selection ends inside a compound statement; select all of it", sel.end_line)
            break
    enclosing = model.scope_at(sel.start + len(sel.indent.encode("utf-8")))
    if enclosing.kind == "class":
        raise _refuse("extracting statements of a class body is not supported; select statements inside a method")
    if enclosing.kind not in ("function", "module"):
        raise _refuse("the selection is inside an expression scope (lambda or comprehension)")
    if enclosing.kind == "function" and not (enclosing.start <= sel.start + len(sel.indent) and sel.end <= enclosing.end):
        raise _refuse("the selection is not inside one function body")
    analysis = _analyse_python(syntax, model, text, sel, enclosing)
    return _generate_python(model, text, sel, enclosing, analysis, body, name)


def free_function_name(code: str, base: str = "extracted") -> str:
    """`base`, or `base_2`, `base_3`, ...: the first that the code does not use anywhere."""
    text = code.encode("utf-8")
    name, n = base, 1
    while name_in_use(text, name):
        n += 1
        name = f"{base}_{n}"
    return name


def name_in_use(text: bytes, name: str) -> bool:
    """Does `name` appear as a whole word anywhere (a binding, a use, an attribute, a keyword
    argument: the new function must not clash with or shadow any of them)?"""
    word = name.encode("utf-8")
    # a substring search first: the regex, with its look-behind, tries every position (19 ms on
    # a 700 KB text, each time code actions are listed for a selection)
    if word not in text:
        return False
    return re.search(rb"(?<![\w])" + re.escape(word) + rb"(?![\w])", text) is not None


def _analyse_python(syntax: SyntaxService, model: ScopeModel, text: bytes, sel: Selection, enclosing) -> Analysis:
    a = Analysis()
    start, end = model.span or (0, 0)
    flow = run_query(syntax, "python", text, "refactor-flow", None, start, end)
    nested = [(c.start_byte, c.end_byte) for c in flow if c.name == "nested" and sel.start <= c.start_byte < sel.end]
    loops = [(c.start_byte, c.end_byte) for c in flow if c.name == "loop"]
    augmented = {c.start_byte for c in flow if c.name == "augmented"}

    def in_nested(pos: int) -> bool:
        return any(s <= pos < e for s, e in nested)

    for c in flow:
        if not (sel.start <= c.start_byte < sel.end) or in_nested(c.start_byte):
            continue
        line = text.count(b"\n", 0, c.start_byte) + 1
        if c.name == "return":
            a.has_return = True
        elif c.name in ("break", "continue"):
            inner = [lp for lp in loops if lp[0] < c.start_byte < lp[1]]
            loop = max(inner, key=lambda lp: lp[0]) if inner else None
            if loop is None or loop[0] < sel.start:
                raise _refuse(f"line {line}: `{c.name}` belongs to a loop outside the selection; "
                              "the extracted function could not "
                              f"{'leave' if c.name == 'break' else 'continue'} that loop", line)
        elif c.name == "yield":
            a.is_generator = True
        elif c.name == "await":
            a.is_async = True
    if a.is_generator and a.is_async:
        raise _refuse("the selection both awaits and yields: an async generator cannot be delegated to (no `yield from`)")
    if a.has_return:
        tail = text[sel.end:enclosing.end].strip() if enclosing.kind == "function" else b"x"
        if enclosing.kind != "function" or tail:
            line = next(text.count(b"\n", 0, c.start_byte) + 1 for c in flow
                        if c.name == "return" and sel.start <= c.start_byte < sel.end and not in_nested(c.start_byte))
            raise _refuse(f"line {line}: the selection contains a `return` but does not end the function, so the "
                          "caller could not tell whether to return; extend the selection to the end of the function",
                          line)
        if a.is_generator:
            raise _refuse("the selection returns from a generator; extracting it would change what the generator returns")
    enclosing_loops = [lp for lp in loops if lp[0] < sel.start and sel.end <= lp[1] and lp[0] >= enclosing.start]
    loop_start = min((lp[0] for lp in enclosing_loops), default=None)
    loop_end = max((lp[1] for lp in enclosing_loops), default=None)
    params: dict[str, int] = {}
    returns: dict[str, int] = {}
    seen_store: set[int] = set()
    for occ in model.occurrences_in(sel.start, sel.end):
        b = occ.binding
        if b is None or not b.defined:
            continue
        if b.scope is not enclosing:
            if b.scope is model.module and enclosing.kind == "function" and occ.role == "store" and occ.scope is enclosing:
                if occ.name not in a.globals:
                    a.globals.append(occ.name)  # `global x` in the enclosing function
            elif occ.role in ("store", "nonlocal") and occ.scope is enclosing and b.scope is not model.module:
                raise _refuse(f"the selection assigns {occ.name!r}, which is nonlocal in the enclosing function")
            continue
        reads = occ.role == "ref" or occ.start in augmented
        if occ.is_binding:
            if reads and id(b) not in seen_store:
                params.setdefault(occ.name, occ.start)
            seen_store.add(id(b))
            if _read_outside(b, sel, loop_start, loop_end, enclosing, model):
                returns.setdefault(occ.name, occ.start)
            continue
        if reads and id(b) not in seen_store and _bound_before(b, sel):
            if enclosing.kind == "module" and not _stored_in(b, sel):
                continue  # a global read: the new function reads it too
            if b.kind == "function_or_class" and enclosing.kind == "module":
                continue
            params.setdefault(occ.name, occ.start)
    # a returned name bound before the selection may be assigned only on some paths: pass it in
    for occ in model.occurrences_in(sel.start, sel.end):
        if occ.name in returns and occ.binding is not None and occ.binding.scope is enclosing \
                and _bound_before(occ.binding, sel) and enclosing.kind == "function":
            params.setdefault(occ.name, occ.start)
    a.params = sorted(params, key=params.get)
    a.returns = sorted(returns, key=returns.get)
    if a.has_return and a.returns:
        a.returns = []
    return a


def _bound_before(b: Binding, sel: Selection) -> bool:
    return b.kind == "param" or any(o.is_binding and o.start < sel.start for o in b.occurrences)


def _stored_in(b: Binding, sel: Selection) -> bool:
    return any(o.is_binding and sel.start <= o.start < sel.end for o in b.occurrences)


def _read_outside(b: Binding, sel: Selection, loop_start, loop_end, enclosing, model: ScopeModel) -> bool:
    for o in b.occurrences:
        if sel.start <= o.start < sel.end or o.role != "ref":
            continue
        if o.start >= sel.end:
            return True
        if loop_start is not None and loop_start <= o.start < loop_end:
            return True  # read by the next iteration of the enclosing loop
        if o.scope is not enclosing:
            return True  # a nested function (or, at module level, any function) reads it later
    return False


def _generate_python(model: ScopeModel, text: bytes, sel: Selection, enclosing, a: Analysis, body: str, name: str) -> str:
    unit = "    "
    m = re.search(r"\n([ \t]+)\S", body)
    if m:
        unit = m.group(1)
    is_method = False
    receiver = None
    decorators = ""
    if enclosing.kind == "function" and enclosing.parent is not None and enclosing.parent.kind == "class" and enclosing.params:
        ps, pe = enclosing.params
        first = re.match(rb"\(\s*([A-Za-z_]\w*)", text[ps:pe])
        if first:
            receiver = first.group(1).decode()
            header = _decorators_text(text, enclosing.node_start)
            if "@staticmethod" in header:
                receiver = None
            elif "@classmethod" in header:
                decorators = "@classmethod\n"
            if receiver is not None and receiver in a.params:
                is_method = True
                a.params.remove(receiver)
    params = ([receiver] if is_method else []) + a.params
    lines = []
    for g in a.globals:
        lines.append(f"global {g}")
    lines.append(body)
    if a.returns:
        lines.append("return " + ", ".join(a.returns))
    fn_body = _reindent("\n".join(lines), unit)
    head = f"{'async ' if a.is_async else ''}def {name}({', '.join(params)}):\n"
    callee = f"{receiver}.{name}" if is_method else name
    call = f"{callee}({', '.join(a.params)})"
    if a.is_async:
        call = f"await {call}"
    if a.is_generator:
        call = f"(yield from {call})" if (a.returns or a.has_return) else f"yield from {call}"
    if a.has_return:
        call = f"return {call}"
    elif a.returns:
        call = f"{', '.join(a.returns)} = {call}"
    edits = [(sel.start, sel.end, (sel.indent + call).encode("utf-8"))]
    if is_method:
        def_line = _line_start(text, _decorated_start(text, enclosing.node_start))
        ind_m = re.match(rb"[ \t]*", text[def_line:])
        ind = ind_m.group(0).decode() if ind_m else ""
        function = _reindent(decorators + head.rstrip("\n"), ind) + "\n" + _reindent(fn_body, ind) + "\n\n"
        edits.append((def_line, def_line, function.encode("utf-8")))
    else:
        top = enclosing
        while top.parent is not None and top.parent is not model.module:
            top = top.parent
        insert_at = _line_start(text, _decorated_start(text, top.node_start)) if top is not model.module else sel.start
        function = head + fn_body + "\n\n\n"
        edits.append((insert_at, insert_at, function.encode("utf-8")))
    return apply_edits(text, edits).decode("utf-8")


def _line_start(text: bytes, offset: int) -> int:
    return text.rfind(b"\n", 0, offset) + 1


def _decorated_start(text: bytes, def_start: int) -> int:
    """Start of the decorators above a def/class (or the def itself)."""
    start = _line_start(text, def_start)
    while start > 0:
        prev = _line_start(text, start - 1)
        if text[prev:start].strip().startswith(b"@"):
            start = prev
        else:
            break
    return start


def _decorators_text(text: bytes, def_start: int) -> str:
    return text[_decorated_start(text, def_start):def_start].decode("utf-8")
