"""Extract function for JavaScript, TypeScript, Go and Rust (see docs/refactorings.md).

The selected lines must be complete statements of one block. Parameters: variables read or
assigned in the selection and declared before it in the enclosing top-level declaration
(closures included); returned values: variables assigned or declared in the selection and
read after it (or in a later iteration of an enclosing loop): `return a` / `return [a, b]`
(JS/TS, destructured at the call) / `return a, b` (Go) / `(a, b)` (Rust). A `return` (Rust:
also `?` and the block's value) is kept only when the selection ends the enclosing function;
`break` / `continue` must target a loop inside the selection. `await` → async function (JS/TS:
`await f()`, Rust: `f().await`), `yield` → generator delegated to with `yield*`. A selection
using `this` (JS/TS), the receiver (Go) or `self` (Rust) becomes a method next to the
enclosing one. TypeScript, Go and Rust need types: see types.py; an unknown type is refused
and the variable named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from booster_lsp.core.refactor.block_facts import FACTS, JS_LIKE, TYPED
from booster_lsp.core.refactor.extract import Selection, _dedent, name_in_use, select_lines
from booster_lsp.core.refactor.languages import apply_edits, line_of
from booster_lsp.core.refactor.scopes import Binding, function_model, parses_cleanly, scope_model
from booster_lsp.core.refactor.tree import Node, Tree, node_tree
from booster_lsp.core.refactor.types import TypeResolver, rust_is_copy
from booster_lsp.core.syntax import SyntaxService
from booster_lsp.errors import TransformationError

_GO_CASES = frozenset({"expression_case", "default_case", "type_case", "communication_case"})
_RUST_STATEMENTS = frozenset({"expression_statement", "let_declaration", "empty_statement", "line_comment",
                              "block_comment", "function_item", "struct_item", "enum_item", "impl_item", "use_declaration",
                              "const_item", "static_item", "macro_definition", "attribute_item", "type_item",
                              "trait_item", "mod_item"})


def _refuse(message: str, line: int | None = None) -> TransformationError:
    return TransformationError(message, kind="refused", line=line, column=1 if line else None)


@dataclass
class Var:
    name: str
    binding: Binding
    decl: int  # byte offset of its declaration
    type: str | None = None
    mut: bool = False  # Rust: declared `mut`
    written: bool = False  # assigned in the selection
    read_after: bool = False
    decl_kind: str = ""  # JS: let / const / var of a declaration inside the selection
    pass_as: str = ""  # Rust: "" (by value), "&", "&mut "


@dataclass
class Flow:
    has_return: bool = False
    tail: bool = False  # Rust: the selection ends with the function's value
    is_async: bool = False
    is_generator: bool = False
    uses_receiver: bool = False


def extract_block(syntax: SyntaxService, language: str, code: str, start_line: int, end_line: int, name: str) -> str:
    facts = FACTS[language]
    text = code.encode("utf-8")
    sel = select_lines(text, start_line, end_line)
    s0 = sel.start + len(sel.indent.encode("utf-8"))
    e0 = sel.start + len(text[sel.start:sel.end].rstrip())
    if name_in_use(text, name):
        raise _refuse(f"{name!r} is already used in this file; choose another name for the function")
    # statements inside a function need only that function's model (all their bindings)
    model = function_model(syntax, language, text, s0) or scope_model(syntax, language, text)
    probe = node_tree(syntax, language, text, s0, e0)
    root = probe.roots[0] if probe.roots else None
    item = None
    if root is not None:
        item = next((c for c in root.children if c.start <= s0 and e0 <= c.end), None)
        if item is not None and item.start >= s0:
            item = None  # top-level statements themselves are selected
    tree = node_tree(syntax, language, text, item.start, item.end) if item is not None else probe
    containers = facts.containers | (_GO_CASES if language == "go" else frozenset())
    container = tree.deepest(s0, e0, containers)
    if container is None:
        raise _refuse(f"lines {sel.start_line}-{sel.end_line} are not statements of a block", sel.start_line)
    stmts = _statements(tree, container, sel, s0, e0)
    enclosing = next((a for a in [container, *container.ancestors()] if a.kind in facts.functions
                      and a.kind not in ("class_declaration", "class")), None)
    if enclosing is None and language in ("go", "rust"):
        raise _refuse("select statements inside a function body", sel.start_line)
    if enclosing is not None and enclosing.kind in ("class_declaration", "class"):
        raise _refuse("extracting statements of a class body is not supported")
    flow = _flow(tree, language, container, stmts, sel, enclosing, text)
    ex = _Extraction(syntax, language, text, model, tree, sel, item, container, stmts, enclosing, flow, name)
    out = ex.generate()
    if not parses_cleanly(syntax, language, text, out.encode("utf-8")):
        raise TransformationError("internal error: the extracted code does not parse; nothing was changed",
                                  kind="module")
    return out


def _statements(tree: Tree, container: Node, sel: Selection, s0: int, e0: int) -> list[Node]:
    stmts = [c for c in container.children if c.end > s0 and c.start < e0]
    if not stmts:
        raise _refuse(f"lines {sel.start_line}-{sel.end_line} hold no complete statement", sel.start_line)
    for c in stmts:
        if c.start < s0:
            raise _refuse(f"the selection starts inside a statement (line {line_of(tree.text, c.start)}); "
                          "select all of it", sel.start_line)
        if c.end > e0:
            raise _refuse(f"the selection ends inside a compound statement (line {line_of(tree.text, c.start)}); "
                          "select all of it", sel.end_line)
    # text of the selection outside the statements: only blanks, `;` and commas
    pos = s0
    for c in stmts:
        gap = tree.text[pos:c.start]
        if gap.strip(b" \t\r\n;"):
            raise _refuse(f"lines {sel.start_line}-{sel.end_line} are not a sequence of complete statements",
                          sel.start_line)
        pos = c.end
    if tree.text[pos:e0].strip(b" \t\r\n;"):
        raise _refuse(f"lines {sel.start_line}-{sel.end_line} are not a sequence of complete statements",
                      sel.end_line)
    return stmts


def _label_of(tree: Tree, n: Node) -> str | None:
    lab = n.get("label") or next((c for c in n.children if c.kind in ("label", "label_name", "statement_identifier")),
                                 None)
    return tree.src(lab).lstrip("'") if lab is not None else None


def _flow(tree: Tree, language: str, container: Node, stmts: list[Node], sel: Selection, enclosing: Node | None,
          text: bytes) -> Flow:
    facts = FACTS[language]
    f = Flow()
    nested = facts.functions
    first_return: Node | None = None
    for st in stmts:
        for n in st.walk(skip=nested):
            if n.kind in nested and n is not st:
                if language in JS_LIKE and n.kind == "arrow_function":
                    if any(m.kind in facts.receiver for m in n.walk(skip=nested - {"arrow_function"})):
                        f.uses_receiver = True
                if language == "rust" and n.kind == "closure_expression":
                    if any(m.kind == "self" for m in n.walk()):
                        f.uses_receiver = True
                continue
            k = n.kind
            if k in facts.returns:
                f.has_return = True
                first_return = first_return or n
            elif k in facts.breaks or k in facts.continues:
                label = _label_of(tree, n)
                targets = facts.breakable if k in facts.breaks else facts.loops
                target = None
                for a in n.ancestors():
                    if a.end <= sel.start or a.start < sel.start:
                        break
                    if label is None and a.kind in targets:
                        target = a
                        break
                    if label is not None and (a.kind in ("labeled_statement",) or a.kind in facts.loops) \
                            and (_label_of(tree, a) == label):
                        target = a
                        break
                if target is None:
                    word = "break" if k in facts.breaks else "continue"
                    line = line_of(text, n.start)
                    raise _refuse(f"line {line}: `{word}` belongs to a loop outside the selection; the extracted "
                                  f"function could not {'leave' if word == 'break' else 'continue'} that loop", line)
            elif k in facts.awaits:
                f.is_async = True
            elif k == "for_in_statement" and tree.src(n).startswith("for await"):
                f.is_async = True
            elif k in facts.yields:
                f.is_generator = True
            elif k in facts.receiver:
                f.uses_receiver = True
    last = stmts[-1]
    ends_function = enclosing is not None and _is_body(container, enclosing) and _last_child(container) is last
    if language == "rust" and last is _last_child(container) and last.kind not in _RUST_STATEMENTS \
            and container.kind == "block":
        if not ends_function:
            raise _refuse(f"line {line_of(text, last.start)}: the selection includes the value of its block (the "
                          "last expression); extend the selection or select statements only", line_of(text, last.start))
        f.tail = True
    if f.has_return and not ends_function:
        line = line_of(text, first_return.start)  # type: ignore[union-attr]
        if first_return is not None and first_return.kind == "try_expression":
            raise _refuse(f"line {line}: the selection uses `?` but does not end the function, so the caller could "
                          "not tell whether to return; extend the selection to the end of the function", line)
        raise _refuse(f"line {line}: the selection contains a `return` but does not end the function, so the caller "
                      "could not tell whether to return; extend the selection to the end of the function", line)
    if f.is_generator and f.is_async:
        raise _refuse("the selection both awaits and yields; extracting an async generator is not supported")
    if f.is_generator and f.has_return:
        raise _refuse("the selection returns from a generator; extracting it would change what the generator returns")
    return f


def _is_body(container: Node, fn: Node) -> bool:
    body = fn.get("body")
    if body is None:
        return False
    return container is body or (container.parent is body and container.kind == "statement_list")


def _last_child(n: Node) -> Node | None:
    kids = [c for c in n.children if c.kind not in ("comment", "line_comment", "block_comment")]
    return kids[-1] if kids else None


def _base_identifier(n: Node | None) -> Node | None:
    while n is not None:
        if n.kind == "identifier":
            return n
        if n.kind in ("selector_expression", "field_expression", "index_expression", "member_expression",
                      "subscript_expression", "parenthesized_expression", "unary_expression"):
            n = n.get("operand") or n.get("value") or n.get("object") or (n.children[0] if n.children else None)
            continue
        return None
    return None


def _writes(tree: Tree, language: str, start: int, end: int) -> set[int]:
    """Byte offsets of identifiers assigned in [start, end)."""
    out: set[int] = set()
    for n in tree.nodes:
        if n.end <= start or n.start >= end:
            continue
        k = n.kind
        targets: list[Node] = []
        if k in ("assignment_expression", "augmented_assignment_expression", "compound_assignment_expr"):
            left = n.get("left")
            if left is not None:
                if left.kind in ("array_pattern", "object_pattern", "tuple_expression"):
                    targets.extend(m for m in left.walk() if m.kind in ("identifier", "shorthand_property_identifier_pattern"))
                elif language in ("go", "rust"):
                    targets.append(_base_identifier(left))  # type: ignore[arg-type]
                else:
                    targets.append(left)
        elif k == "update_expression":
            targets.append(n.get("argument"))  # type: ignore[arg-type]
        elif k == "assignment_statement":
            left = n.get("left")
            if left is not None:
                targets.extend(_base_identifier(c) for c in left.children)  # type: ignore[misc]
        elif k in ("inc_statement", "dec_statement") and n.children:
            targets.append(_base_identifier(n.children[0]))  # type: ignore[arg-type]
        for t in targets:
            if t is not None and t.kind in ("identifier", "shorthand_property_identifier_pattern"):
                out.add(t.start)
    return out


class _Extraction:
    def __init__(self, syntax, language, text, model, tree, sel, item, container, stmts, enclosing, flow, name):
        self.syntax, self.language, self.text, self.model, self.tree = syntax, language, text, model, tree
        self.sel, self.item, self.container, self.stmts, self.enclosing = sel, item, container, stmts, enclosing
        self.flow, self.name = flow, name
        self.facts = FACTS[language]
        self.receiver: str | None = None  # Go receiver name
        self.loop_range: tuple[int, int] | None = None
        self.types = TypeResolver(language, tree, lambda: node_tree(syntax, language, text), model)

    # ------------------------------------------------------------------ variables
    def variables(self) -> tuple[list[Var], list[Var]]:
        sel, model = self.sel, self.model
        writes = _writes(self.tree, self.language, sel.start, sel.end)
        loops = [a for a in self.container.ancestors() if a.kind in self.facts.loops
                 and (self.enclosing is None or a.start >= self.enclosing.start)]
        loop_range = (min(a.start for a in loops), max(a.end for a in loops)) if loops else None
        self.loop_range = loop_range
        params: dict[int, Var] = {}
        returns: dict[int, Var] = {}
        lo, hi = (self.item.start, self.item.end) if self.item is not None else (sel.start, sel.end)
        for occ in model.occurrences_in(sel.start, sel.end):
            b = occ.binding
            if b is None or not b.defined or occ.name.startswith("&") or occ.name in ("self", "this"):
                continue
            decls = [o.start for o in b.occurrences if o.is_binding]
            if not decls or not (lo <= decls[0] < hi):
                continue  # module / package level: the new function sees it too
            if b.kind == "function_or_class" and self.language in ("go", "rust"):
                continue
            inside = sel.start <= decls[0] < sel.end
            v = params.get(id(b)) or returns.get(id(b)) or Var(occ.name, b, decls[0])
            if occ.start in writes or (occ.is_binding and not inside):
                v.written = True
            if not inside:
                params.setdefault(id(b), v)
            if occ.start in writes or occ.is_binding:
                if self._read_after(b, loop_range):
                    v.read_after = True
                    returns.setdefault(id(b), v)
        if self.flow.has_return or self.flow.tail:
            returns = {}
        if self.language == "go" and self.enclosing is not None and self.enclosing.kind == "method_declaration":
            recv = self.enclosing.get("receiver")
            ident = next((n for n in recv.walk() if n.kind == "identifier"), None) if recv is not None else None
            if ident is not None:
                for k, v in list(params.items()):
                    if v.decl == ident.start:
                        rtype = ident.parent.get("type") if ident.parent is not None else None
                        if v.written and (rtype is None or rtype.kind != "pointer_type"):
                            raise _refuse(f"the selection assigns to the value receiver {v.name!r}; a method would "
                                          "modify its own copy")
                        del params[k]
                        self.receiver = v.name
                        self.flow.uses_receiver = True
        return list(params.values()), list(returns.values())

    def _read_after(self, b: Binding, loop_range) -> bool:
        for o in b.occurrences:
            if self.sel.start <= o.start < self.sel.end:
                continue
            if o.start >= self.sel.end:
                return True
            if loop_range is not None and loop_range[0] <= o.start < loop_range[1] and not o.is_binding:
                return True
        return False

    def _used_later(self, b: Binding) -> bool:
        return self._read_after(b, self.loop_range)

    def annotate(self, params: list[Var], returns: list[Var]) -> None:
        lang = self.language
        untyped: list[bool] = []

        def untyped_ok() -> bool:  # plain JS-style TypeScript (no annotation anywhere) may stay untyped
            if not untyped:
                untyped.append(lang in JS_LIKE and (lang not in TYPED or not self._has_annotations()))
            return untyped[0]
        for v in {id(v): v for v in params + returns}.values():
            node = self.tree.at(v.decl, v.decl + len(v.name.encode()))
            if lang == "rust" and node is not None:
                p = node.parent
                v.mut = p is not None and (p.kind == "mut_pattern" or (p.kind == "let_declaration" and any(
                    c.kind == "mutable_specifier" for c in p.children if c.start < node.start)))
            if lang in JS_LIKE and node is not None and self.sel.start <= v.decl < self.sel.end:
                decl = next((a for a in node.ancestors() if a.kind in ("lexical_declaration", "variable_declaration")),
                            None)
                v.decl_kind = self.tree.src(decl).split()[0] if decl is not None else "let"
            if lang in TYPED:
                v.type = self.types.type_of(v.binding)
                if v.type is None and not untyped_ok():
                    line = line_of(self.text, v.decl)
                    why = ("declare it with a type annotation" if lang in JS_LIKE else
                           "declare it with an explicit type (`var x T`)" if lang == "go" else
                           "declare it with an explicit type (`let x: T`)")
                    raise _refuse(f"the type of {v.name!r} (declared at line {line}) is unknown, and the extracted "
                                  f"function needs it; {why}", line)
        if lang == "rust":
            for v in params:
                copy = v.type is not None and rust_is_copy(v.type)
                if v.written or copy or not self._used_later(v.binding):
                    v.pass_as = ""
                else:
                    v.pass_as = "&mut " if v.mut else "&"

    def _has_annotations(self) -> bool:
        from booster_lsp.core.refactor.scopes import run_query

        return bool(run_query(self.syntax, self.language, self.text, "annotations", "(type_annotation) @t"))

    # ------------------------------------------------------------------ output
    def generate(self) -> str:
        params, returns = self.variables()
        self.annotate(params, returns)
        lang = self.language
        if lang in JS_LIKE:
            return self._js(params, returns)
        if lang == "go":
            return self._go(params, returns)
        return self._rust(params, returns)

    def _body(self, unit: str, extra: str = "") -> str:
        block = self.text[self.sel.start:self.sel.end].decode("utf-8")
        body = _dedent(block, self.sel.indent)
        return "\n".join((extra + unit + ln) if ln.strip() else "" for ln in body.split("\n"))

    def _unit(self, default: str) -> str:
        if self.language == "go":
            return "\t"
        m = re.search(r"\n([ \t]+)\S", self.text.decode("utf-8", "replace"))
        return m.group(1) if m and m.group(1).strip(" ") == "" and len(m.group(1)) in (2, 4) else default

    def _line_indent(self, offset: int) -> tuple[int, str]:
        ls = self.text.rfind(b"\n", 0, offset) + 1
        ind = re.match(rb"[ \t]*", self.text[ls:]).group(0).decode()  # type: ignore[union-attr]
        return ls, ind

    def _insert_before_item(self, function: str) -> tuple[int, int, bytes]:
        at = self.item.start if self.item is not None else self.sel.start
        ls, _ = self._line_indent(at)
        ls = self._leading_comments(ls)
        sep = "\n\n" if self.item is not None or self.language != "javascript" else "\n\n"
        return (ls, ls, (function + sep).encode("utf-8"))

    def _leading_comments(self, ls: int) -> int:
        while ls > 0:
            prev = self.text.rfind(b"\n", 0, ls - 1) + 1
            line = self.text[prev:ls].strip()
            if line.startswith((b"//", b"#[", b"/*", b"*", b"@")):
                ls = prev
            else:
                break
        return ls

    def _method_anchor(self) -> Node | None:
        """The enclosing method (JS method_definition, Rust function_item in an impl)."""
        if self.enclosing is None:
            return None
        fn = self.enclosing
        if self.language in JS_LIKE:
            for a in [fn, *fn.ancestors()]:
                if a.kind == "method_definition":
                    return a
                if a.kind not in ("arrow_function", "statement_block", "expression_statement", "lexical_declaration",
                                  "variable_declarator", "arguments", "call_expression", "return_statement") \
                        and a.kind in self.facts.functions:
                    return None
            return None
        if self.language == "rust":
            if fn.kind == "closure_expression":
                fn = next((a for a in fn.ancestors() if a.kind == "function_item"), fn)
            if fn.parent is not None and fn.parent.kind == "declaration_list":
                return fn
        return None

    # ---------------------------------------------------------------- JS / TS
    def _js(self, params: list[Var], returns: list[Var]) -> str:
        ts = self.language in TYPED
        f = self.flow
        unit = self._unit("  ")
        method = self._method_anchor()
        if f.uses_receiver and method is None:
            raise _refuse("the selection uses `this` / `super` outside a class method; the extracted function would "
                          "not have the same `this`")
        as_method = method is not None and f.uses_receiver

        def typed(v: Var) -> str:
            return f"{v.name}: {v.type}" if ts and v.type else v.name

        ret_type = ""
        if ts:
            if f.has_return and self.enclosing is not None and self.enclosing.get("return_type") is not None:
                rt = self.tree.src(self.enclosing.get("return_type"))[1:].strip()
                enc_async = self.tree.src(self.enclosing).lstrip().startswith(("async", "static async", "public async",
                                                                            "private async"))
                m = re.match(r"^Promise<(.*)>$", rt)
                if enc_async and not f.is_async and m:
                    rt = m.group(1)
                ret_type = rt
            elif returns and all(v.type for v in returns):
                rt = returns[0].type if len(returns) == 1 else "[" + ", ".join(v.type for v in returns) + "]"  # type: ignore[misc]
                ret_type = f"Promise<{rt}>" if f.is_async else rt
        lines = [self._body(unit)]
        if returns:
            value = returns[0].name if len(returns) == 1 else "[" + ", ".join(v.name for v in returns) + "]"
            if len(returns) > 1 and ts and not ret_type:
                value += " as const"
            lines.append(f"{unit}return {value};")
        sig_params = ", ".join(typed(v) for v in params)
        star = "*" if f.is_generator else ""
        rt = f": {ret_type}" if ret_type else ""
        if as_method:
            ls, ind = self._line_indent(method.start)  # type: ignore[union-attr]
            static = "static " if self.tree.src(method).startswith("static") else ""
            head = f"{ind}{static}{'async ' if f.is_async else ''}{star}{self.name}({sig_params}){rt} {{"
            body = "\n".join(ind + ln if ln.strip() else "" for ln in "\n".join(lines).split("\n"))
            function = f"{head}\n{body}\n{ind}}}\n\n"
            insert = (ls, ls, function.encode("utf-8"))
            callee = f"this.{self.name}"
        else:
            head = f"{'async ' if f.is_async else ''}function{star} {self.name}({sig_params}){rt} {{"
            function = f"{head}\n" + "\n".join(lines) + "\n}"
            insert = self._insert_before_item(function)
            callee = self.name
        call = f"{callee}({', '.join(v.name for v in params)})"
        if f.is_async:
            call = f"await {call}"
        if f.is_generator:
            call = f"yield* {call}"
        if f.has_return:
            stmt = f"return {call};"
        elif not returns:
            stmt = f"{call};"
        else:
            new = [v for v in returns if self.sel.start <= v.decl < self.sel.end]
            old = [v for v in returns if v not in new]
            if len(returns) == 1:
                v = returns[0]
                stmt = f"{v.decl_kind or 'let'} {v.name} = {call};" if new else f"{v.name} = {call};"
            elif not old:
                kw = "let" if any(v.decl_kind != "const" for v in new) else "const"
                stmt = f"{kw} [{', '.join(v.name for v in returns)}] = {call};"
            else:
                decls = "".join(f"let {typed(v)};\n{self.sel.indent}" for v in new)
                stmt = f"{decls};[{', '.join(v.name for v in returns)}] = {call};"
        edits = [(self.sel.start, self.sel.end, (self.sel.indent + stmt).encode("utf-8")), insert]
        return apply_edits(self.text, edits).decode("utf-8")

    # ---------------------------------------------------------------- Go
    def _go(self, params: list[Var], returns: list[Var]) -> str:
        f = self.flow
        fn = self.enclosing
        assert fn is not None
        results = ""
        if f.has_return:
            r = fn.get("result")
            if r is not None:
                if r.kind == "parameter_list" and any(c.get("name") is not None for c in r.children):
                    raise _refuse("the enclosing function has named results; a `return` in the selection could not "
                                  "be kept")
                results = " " + self.tree.src(r)
        elif returns:
            ts = [v.type or "" for v in returns]
            results = " " + (ts[0] if len(ts) == 1 else "(" + ", ".join(ts) + ")")
        sig = ", ".join(f"{v.name} {v.type}" for v in params)
        recv = ""
        callee = self.name
        if self.receiver is not None:
            recv = self.tree.src(fn.get("receiver")) + " "  # type: ignore[arg-type]
            callee = f"{self.receiver}.{self.name}"
        lines = [self._body("\t")]
        if returns:
            lines.append("\treturn " + ", ".join(v.name for v in returns))
        function = f"func {recv}{self.name}({sig}){results} {{\n" + "\n".join(lines) + "\n}"
        call = f"{callee}({', '.join(v.name for v in params)})"
        if f.has_return:
            stmt = f"return {call}"
        elif not returns:
            stmt = call
        else:
            new = [v for v in returns if self.sel.start <= v.decl < self.sel.end]
            names = ", ".join(v.name for v in returns)
            if len(new) == len(returns):
                stmt = f"{names} := {call}"
            else:
                decls = "".join(f"var {v.name} {v.type}\n{self.sel.indent}" for v in new)
                stmt = f"{decls}{names} = {call}"
        edits = [(self.sel.start, self.sel.end, (self.sel.indent + stmt).encode("utf-8")),
                 self._insert_before_item(function)]
        return apply_edits(self.text, edits).decode("utf-8")

    # ---------------------------------------------------------------- Rust
    def _rust(self, params: list[Var], returns: list[Var]) -> str:
        f = self.flow
        fn = self.enclosing
        assert fn is not None
        method = self._method_anchor()
        unit = self._unit("    ")
        ret = ""
        if f.has_return or f.tail:
            r = fn.get("return_type") if fn.kind == "function_item" else None
            if fn.kind != "function_item":
                raise _refuse("the selection returns from a closure; select statements of the function body")
            ret = f" -> {self.tree.src(r)}" if r is not None else ""
        elif returns:
            ts = [v.type or "" for v in returns]
            ret = " -> " + (ts[0] if len(ts) == 1 else "(" + ", ".join(ts) + ")")
        sig_parts = []
        self_param = None
        if method is not None:
            self_param = next((n for n in method.get("parameters").children if n.kind == "self_parameter"), None) \
                if method.get("parameters") is not None else None
        if f.uses_receiver:
            if self_param is None:
                raise _refuse("the selection uses `self` outside a method")
            sig_parts.append(self.tree.src(self_param))
        for v in params:
            mut = "mut " if v.pass_as == "" and (v.written or v.mut) else ""
            sig_parts.append(f"{mut}{v.name}: {v.pass_as}{v.type}")
        lines = [self._body(unit)]
        if returns:
            lines.append(unit + (returns[0].name if len(returns) == 1 else "(" + ", ".join(v.name for v in returns) + ")"))
        asyn = "async " if f.is_async else ""
        args = ", ".join(f"{v.pass_as}{v.name}" for v in params)
        if method is not None:
            ls, ind = self._line_indent(method.start)
            ls = self._leading_comments(ls)
            callee = f"self.{self.name}" if f.uses_receiver else f"Self::{self.name}"
            head = f"{ind}{asyn}fn {self.name}({', '.join(sig_parts)}){ret} {{"
            body = "\n".join(ind + ln if ln.strip() else "" for ln in "\n".join(lines).split("\n"))
            insert = (ls, ls, f"{head}\n{body}\n{ind}}}\n\n".encode("utf-8"))
        else:
            callee = self.name
            function = f"{asyn}fn {self.name}({', '.join(sig_parts)}){ret} {{\n" + "\n".join(lines) + "\n}"
            insert = self._insert_before_item(function)
        call = f"{callee}({args})"
        if f.is_async:
            call += ".await"
        if f.has_return or f.tail:
            stmt = call
        elif not returns:
            stmt = call + ";"
        else:
            new = [v for v in returns if self.sel.start <= v.decl < self.sel.end]
            def pat(v: Var) -> str:
                return ("mut " if v.mut else "") + v.name
            if len(new) == len(returns):
                lhs = pat(returns[0]) if len(returns) == 1 else "(" + ", ".join(pat(v) for v in returns) + ")"
                stmt = f"let {lhs} = {call};"
            else:
                decls = "".join(f"let {pat(v)}: {v.type};\n{self.sel.indent}" for v in new)
                lhs = returns[0].name if len(returns) == 1 else "(" + ", ".join(v.name for v in returns) + ")"
                stmt = f"{decls}{lhs} = {call};"
        edits = [(self.sel.start, self.sel.end, (self.sel.indent + stmt).encode("utf-8")), insert]
        return apply_edits(self.text, edits).decode("utf-8")
