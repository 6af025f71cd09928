"""REFACTOR_SIMPLE for JavaScript, TypeScript, Go and Rust: simplify, inline variable, extract
constant, on the node tree of the syntax module (tree.py). See docs/refactorings.md.

JavaScript conditions are not always booleans: `if (c) return true; else return false;` becomes
`return c;` only when `c` is known boolean (a comparison, `!x`, `instanceof`, ...), otherwise
`return !!c;`, and `x === true` is left alone unless `x` is known boolean. Go and Rust conditions
and `==` operands of `true` are always bool, so those rewrites are unconditional there.
"""

from __future__ import annotations

import re

from booster_lsp.core.refactor.block_facts import FACTS, JS_LIKE
from booster_lsp.core.refactor.extract_block import _writes
from booster_lsp.core.refactor.languages import (
    apply_edits,
    check_identifier,
    line_col_to_offset,
    line_of,
    refuse_if_initializer_reads_change,
)
from booster_lsp.core.refactor.rename import find_binding
from booster_lsp.core.refactor.scopes import scope_model
from booster_lsp.core.refactor.tree import Node, Tree, node_tree
from booster_lsp.core.syntax import SyntaxService
from booster_lsp.errors import TransformationError

_BOOL_LITERALS = frozenset({"true", "false", "boolean_literal"})


def _refuse(message: str, line: int | None = None) -> TransformationError:
    return TransformationError(message, kind="refused", line=line, column=1 if line else None)


# ====================================================================== simplify
def simplify_block(syntax: SyntaxService, language: str, code: str, start_line: int | None = None,
                   end_line: int | None = None) -> str:
    text = code.encode("utf-8")
    for _ in range(8):
        lo = line_col_to_offset(text, start_line) if start_line else 0
        hi = line_col_to_offset(text, end_line + 1) if end_line and end_line < text.count(b"\n") + 1 else len(text)
        edits = _Simplifier(syntax, language, text, lo, hi).edits()
        if not edits:
            break
        text = apply_edits(text, edits)
    return text.decode("utf-8")


class _Simplifier:
    def __init__(self, syntax: SyntaxService, language: str, text: bytes, lo: int, hi: int) -> None:
        self.language, self.text, self.lo, self.hi = language, text, lo, hi
        self.tree = node_tree(syntax, language, text)
        self.facts = FACTS[language]
        self.js = language in JS_LIKE
        self.out: list[tuple[int, int, bytes]] = []
        self.taken: list[tuple[int, int]] = []

    def src(self, n: Node) -> str:
        return self.tree.src(n)

    def add(self, start: int, end: int, new: str) -> None:
        if start < self.lo or end > self.hi or any(not (end <= s or e <= start) for s, e in self.taken):
            return
        self.taken.append((start, end))
        self.out.append((start, end, new.encode("utf-8")))

    def edits(self) -> list[tuple[int, int, bytes]]:
        for n in self.tree.nodes:
            k = n.kind
            if k in ("if_statement", "if_expression"):
                self._bool_return(n) or self._bool_value(n) or self._else_after_return(n)
            elif k == "unary_expression":
                self._not_not(n)
            elif k == "binary_expression":
                self._compare_bool(n)
            elif k == "ternary_expression":
                self._same_branches(n)
        return self.out

    # ---------------------------------------------------------------- helpers
    def cond(self, n: Node) -> Node | None:
        c = n.get("condition")
        if c is None or c.kind in ("let_condition", "let_chain"):
            return None
        if self.js and c.kind == "parenthesized_expression" and c.children:
            c = c.children[0]
        return c

    def is_bool(self, e: Node) -> bool:
        if not self.js:
            return True
        k = e.kind
        if k in _BOOL_LITERALS:
            return True
        if k == "parenthesized_expression" and e.children:
            return self.is_bool(e.children[0])
        if k == "unary_expression":
            return self.src(e).startswith("!")
        if k == "binary_expression":
            op = self.op(e)
            if op in ("&&", "||"):
                return all(self.is_bool(c) for c in e.children if c.field in ("left", "right"))
            return op in self.facts.comparisons
        if k == "call_expression" and e.get("function") is not None:
            return self.src(e.get("function")) in ("Boolean", "Array.isArray", "Number.isNaN", "Number.isInteger",
                                                   "Number.isFinite", "isNaN", "isFinite")
        return False

    def op(self, e: Node) -> str:
        o = e.get("operator")
        if o is not None:
            return self.src(o)
        left, right = e.get("left"), e.get("right")
        if left is not None and right is not None:
            return self.text[left.end:right.start].decode().strip()
        return ""

    def negate(self, e: Node) -> str:
        s = self.src(e)
        atomic = e.kind in ("identifier", "call_expression", "parenthesized_expression", "member_expression",
                            "selector_expression", "field_expression", "true", "false", "boolean_literal")
        return f"!{s}" if atomic else f"!({s})"

    def pure(self, e: Node) -> bool:
        return not any(m.kind in self.facts.impure for m in e.walk())

    def single_return_bool(self, block: Node | None) -> str | None:
        """`{ return true; }` / `return true;` / Rust `{ return true; }` -> "true"."""
        if block is None:
            return None
        if block.kind == "else_clause":
            block = block.children[0] if len(block.children) == 1 else None
            if block is None:
                return None
        stmts = [block] if block.kind == "return_statement" else self.statements(block)
        if len(stmts) != 1:
            return None
        st = stmts[0]
        if st.kind == "expression_statement" and len(st.children) == 1:
            st = st.children[0]
        if st.kind not in ("return_statement", "return_expression"):
            return None
        vals = st.children
        if len(vals) == 1 and vals[0].kind == "expression_list":
            vals = vals[0].children
        if len(vals) == 1 and vals[0].kind in _BOOL_LITERALS:
            return self.src(vals[0])
        return None

    def statements(self, block: Node) -> list[Node]:
        kids = [c for c in block.children if c.kind not in ("comment", "line_comment", "block_comment")]
        if len(kids) == 1 and kids[0].kind == "statement_list":
            kids = [c for c in kids[0].children if c.kind not in ("comment",)]
        return kids

    def ret(self, value: str) -> str:
        return f"return {value}" + ("" if self.language == "go" else ";")

    def statement_node(self, n: Node) -> Node:
        """The if itself (JS/Go) or its expression_statement (Rust)."""
        if n.kind == "if_expression" and n.parent is not None and n.parent.kind == "expression_statement":
            return n.parent
        return n

    # ---------------------------------------------------------------- patterns
    def _bool_return(self, n: Node) -> bool:
        c = self.cond(n)
        if c is None or n.get("initializer") is not None:
            return False
        then = self.single_return_bool(n.get("consequence"))
        if then is None:
            return False
        alt = n.get("alternative")
        stmt = self.statement_node(n)
        if alt is not None:
            other = self.single_return_bool(alt if alt.kind != "else_clause" or self.language != "rust"
                                           else (alt.children[0] if alt.children else None))
            if other is None or other == then:
                return False
            end = stmt.end
        else:
            nxt = self.next_sibling(stmt)
            if nxt is None:
                return False
            other = self.single_return_bool(nxt)
            if other is None or other == then:
                return False
            end = nxt.end
        if then == "true":
            value = self.src(c) if self.is_bool(c) else f"!!{self.src(c) if c.kind != 'binary_expression' else '(' + self.src(c) + ')'}"
        else:
            value = self.negate(c)
        self.add(stmt.start, end, self.ret(value))
        return True

    def _bool_value(self, n: Node) -> bool:
        """Rust `if c { true } else { false }` (an expression) -> `c`."""
        if self.language != "rust" or n.kind != "if_expression":
            return False
        c, alt = self.cond(n), n.get("alternative")
        if c is None or alt is None or not alt.children:
            return False
        a, b = self.tail_literal(n.get("consequence")), self.tail_literal(alt.children[0])
        if a is None or b is None:
            return False
        if a == b:
            if self.pure(c):
                self.add(n.start, n.end, a)
                return True
            return False
        self.add(n.start, n.end, self.src(c) if a == "true" else self.negate(c))
        return True

    def tail_literal(self, block: Node | None) -> str | None:
        if block is None or block.kind != "block":
            return None
        kids = self.statements(block)
        if len(kids) == 1 and kids[0].kind in _BOOL_LITERALS:
            return self.src(kids[0])
        return None

    def next_sibling(self, n: Node) -> Node | None:
        p = n.parent
        if p is None:
            return None
        kids = [c for c in p.children if c.kind not in ("comment", "line_comment")]
        i = kids.index(n)
        return kids[i + 1] if i + 1 < len(kids) else None

    def _else_after_return(self, n: Node) -> bool:
        alt = n.get("alternative")
        cons = n.get("consequence")
        if alt is None or cons is None:
            return False
        stmt = self.statement_node(n)
        if stmt.parent is None or stmt.parent.kind not in self.facts.containers:
            return False
        body = alt
        if alt.kind == "else_clause":
            body = alt.children[0] if len(alt.children) == 1 else None
        if body is None or body.kind not in ("statement_block", "block"):
            return False  # else if, or an unbraced else
        last = self.statements(cons)[-1:] if cons.kind in ("statement_block", "block") else []
        if not last:
            return False
        st = last[0]
        if st.kind == "expression_statement" and st.children:
            st = st.children[0]
        if st.kind not in ("return_statement", "return_expression"):
            return False
        if self.language == "rust" and stmt is n:
            return False  # an if used as a value
        inner = self.text[body.start + 1:body.end - 1]
        if not inner.strip():
            self.add(cons.end, body.end, "")
            return True
        # names declared in the else body must not clash with the enclosing block
        declared = {self.src(m) for m in body.walk() if m.kind == "identifier" and m.parent is not None and (
            m.parent.kind in ("variable_declarator", "let_declaration") or
            (m.parent.kind == "expression_list" and m.parent.parent is not None and
             m.parent.parent.kind == "short_var_declaration"))}
        if declared:
            outside = self.text[stmt.parent.start:body.start] + self.text[body.end:stmt.parent.end]
            if any(re.search(rb"\b" + re.escape(d.encode()) + rb"\b", outside) for d in declared):
                return False
        if_line = self.text.rfind(b"\n", 0, stmt.start) + 1
        indent = re.match(rb"[ \t]*", self.text[if_line:]).group(0).decode()  # type: ignore[union-attr]
        lines = inner.decode().strip("\n").split("\n")
        body_indent = min((len(ln) - len(ln.lstrip()) for ln in lines if ln.strip()), default=0)
        moved = "\n".join((indent + ln[body_indent:]) if ln.strip() else "" for ln in lines)
        self.add(cons.end, body.end, "\n" + moved.rstrip())
        return True

    def _not_not(self, n: Node) -> None:
        if not self.src(n).startswith("!"):
            return
        inner = n.get("argument") or n.get("operand") or (n.children[0] if n.children else None)
        if inner is None or inner.kind != "unary_expression" or not self.src(inner).startswith("!"):
            return
        x = inner.get("argument") or inner.get("operand") or (inner.children[0] if inner.children else None)
        if x is None:
            return
        if x.kind == "unary_expression" and self.src(x).startswith("!"):
            self.add(n.start, n.end, self.src(x))  # !!!y -> !y
            return
        if not self.js or self.is_bool(x):
            self.add(n.start, n.end, self.src(x))

    def _compare_bool(self, n: Node) -> None:
        op = self.op(n)
        if op not in ("==", "!=", "===", "!=="):
            return
        left, right = n.get("left"), n.get("right")
        if left is None or right is None:
            return
        if right.kind in _BOOL_LITERALS:
            x, lit = left, right
        elif left.kind in _BOOL_LITERALS:
            x, lit = right, left
        else:
            return
        if self.js and (op in ("==", "!=") or not self.is_bool(x)):
            return  # `x === true` is not `x` unless x is a boolean; `==` coerces
        positive = (self.src(lit) == "true") == (op in ("==", "==="))
        self.add(n.start, n.end, self.src(x) if positive else self.negate(x))

    def _same_branches(self, n: Node) -> None:
        c, a, b = n.get("condition"), n.get("consequence"), n.get("alternative")
        if c is None or a is None or b is None:
            return
        if self.src(a) == self.src(b) and self.pure(c):
            self.add(n.start, n.end, self.src(a))


# ====================================================================== inline
def inline_block(syntax: SyntaxService, language: str, code: str, line: int, column: int | None,
                 name: str | None = None) -> str:
    text = code.encode("utf-8")
    facts = FACTS[language]
    model = scope_model(syntax, language, text)
    binding = find_binding(model, name, line, column)
    tree = node_tree(syntax, language, text)
    stores = [o for o in binding.occurrences if o.is_binding]
    if not stores:
        raise _refuse(f"{binding.name!r} is not declared in this file", line)
    writes = _writes(tree, language, 0, len(text))
    written = [o for o in binding.occurrences if o.start in writes]
    if len(stores) + len(written) != 1:
        raise _refuse(f"{binding.name!r} is assigned {len(stores) + len(written)} times; only a variable assigned once "
                      "can be inlined", line)
    store = stores[0]
    ident = tree.at(store.start, store.end)
    decl, value = _declaration(tree, language, ident)
    if decl is None or value is None:
        raise _refuse(f"{binding.name!r} is not declared by a plain declaration with an initializer "
                      "(`const x = ...`, `x := ...`, `let x = ...`)", line_of(text, store.start))
    if language in ("go", "rust") and decl.get("type") is not None and not (
            language == "go" and decl.kind == "short_var_declaration"):
        raise _refuse(f"{binding.name!r} is declared with an explicit type; inlining the initializer could change "
                      "the type of the expressions that use it", line_of(text, store.start))
    uses = [o for o in binding.occurrences if o.role == "ref" and o.start not in writes]
    if not uses:
        raise _refuse(f"{binding.name!r} is never used; nothing to inline", line_of(text, store.start))
    if any(u.start < decl.end for u in uses):
        raise _refuse(f"{binding.name!r} is used before or in its own declaration", line_of(text, uses[0].start))
    fn_of_decl = _function_of(tree, facts, decl.start)
    for u in uses:
        if _function_of(tree, facts, u.start) is not fn_of_decl:
            raise _refuse(f"{binding.name!r} is used in a nested function; inlining would evaluate the initializer "
                          "later", line_of(text, u.start))
        un = tree.at(u.start, u.end)
        p = un.parent if un is not None else None
        if p is not None and language == "go" and p.kind == "unary_expression" and tree.src(p).startswith("&"):
            raise _refuse(f"the address of {binding.name!r} is taken at line {line_of(text, u.start)}; it cannot be "
                          "inlined", line_of(text, u.start))
        if p is not None and language == "rust" and p.kind == "reference_expression" and tree.src(p).startswith("&mut"):
            raise _refuse(f"{binding.name!r} is borrowed mutably at line {line_of(text, u.start)}; it cannot be "
                          "inlined", line_of(text, u.start))
    impure = [m for m in value.walk() if m.kind in facts.impure]
    if impure and len(uses) > 1:
        raise _refuse(f"the initializer of {binding.name!r} has a {impure[0].kind} and {binding.name!r} is used "
                      f"{len(uses)} times; inlining would evaluate it {len(uses)} times", line_of(text, value.start))
    refuse_if_initializer_reads_change(
        model, binding.name, value.start, value.end, decl.end, max(u.start for u in uses),
        lambda read, o: o.start in writes or (o.is_binding and o is not read),
    )
    stmt = decl if decl.kind in ("let_declaration", "short_var_declaration") else (
        next((a for a in decl.ancestors() if a.kind in ("lexical_declaration", "variable_declaration",
                                                         "var_declaration")), decl))
    if impure:
        between = text[stmt.end:uses[0].start]
        nxt = stmt.parent.children if stmt.parent is not None else []
        following = [c for c in nxt if c.start >= stmt.end]
        if not following or not (following[0].start <= uses[0].start < following[0].end) or between.count(b";") > 1:
            raise _refuse(f"the initializer of {binding.name!r} has a {impure[0].kind}; moving it past other "
                          "statements could change behaviour", line_of(text, value.start))
    if stmt.kind in ("lexical_declaration", "variable_declaration") and len(
            [c for c in stmt.children if c.kind == "variable_declarator"]) > 1:
        raise _refuse(f"{binding.name!r} is declared together with other variables; split the declaration first",
                      line_of(text, stmt.start))
    if stmt.kind == "var_declaration" and len([m for m in stmt.walk() if m.kind == "var_spec"]) > 1:
        raise _refuse(f"{binding.name!r} is declared together with other variables; split the declaration first",
                      line_of(text, stmt.start))
    v = tree.src(value)
    if value.kind not in facts.atomic and not (value.kind.endswith("literal") or value.kind in facts.literals):
        v = f"({v})"
    ls = text.rfind(b"\n", 0, stmt.start) + 1
    le = text.find(b"\n", stmt.end)
    le = len(text) if le < 0 else le + 1
    if text[ls:stmt.start].strip() or text[stmt.end:le].strip(b" \t\r\n;"):
        removal = (stmt.start, stmt.end, b"")
    else:
        removal = (ls, le, b"")
    edits = [removal]
    for u in uses:
        new = f"{u.name}: {v}" if u.shorthand else v
        edits.append((u.start, u.end, new.encode("utf-8")))
    return apply_edits(text, edits).decode("utf-8")


def _declaration(tree: Tree, language: str, ident: Node | None) -> tuple[Node | None, Node | None]:
    if ident is None or ident.parent is None:
        return None, None
    p = ident.parent
    if language in JS_LIKE and p.kind == "variable_declarator" and p.get("name") is ident:
        return p, p.get("value")
    if language == "go":
        if p.kind == "expression_list" and p.parent is not None and p.parent.kind == "short_var_declaration":
            q = p.parent
            right = q.get("right")
            if len(p.children) == 1 and right is not None and len(right.children) == 1:
                return q, right.children[0]
        if p.kind == "var_spec" and len(p.all("name")) == 1 and p.get("value") is not None \
                and len(p.get("value").children) == 1:
            return p, p.get("value").children[0]
    if language == "rust" and p.kind == "let_declaration" and p.get("pattern") is ident:
        return p, p.get("value")
    return None, None


def _function_of(tree: Tree, facts, offset: int) -> Node | None:
    return tree.deepest(offset, offset + 1, facts.functions)


# ====================================================================== extract constant
_LITERALS = {
    "javascript": ("number", "string"),
    "typescript": ("number", "string"),
    "go": ("int_literal", "float_literal", "interpreted_string_literal", "raw_string_literal", "rune_literal"),
    "rust": ("integer_literal", "float_literal", "string_literal", "raw_string_literal", "char_literal"),
}
_NO_CONSTANT = frozenset({"import_statement", "export_statement", "import_spec", "import_declaration", "use_declaration",
                          "attribute_item", "inner_attribute_item", "token_tree", "literal_type", "const_item",
                          "const_spec", "static_item", "enum_assignment", "property_signature"})


def _literal_kinds(language: str) -> tuple[str, ...]:
    return _LITERALS["javascript" if language in ("javascript", "javascriptreact") else
                     "typescript" if language in JS_LIKE else language]


def extract_constant_block(syntax: SyntaxService, language: str, code: str, line: int, column: int | None,
                           name: str | None = None, replace_all: bool = True) -> str:
    text = code.encode("utf-8")
    offset = line_col_to_offset(text, line, column)
    tree = node_tree(syntax, language, text)
    kinds = _literal_kinds(language)
    here = [n for n in tree.nodes if n.kind in kinds and n.start <= offset < n.end]
    if not here:
        raise TransformationError(f"no string or number literal at {line}:{column}", kind="refused", line=line,
                                  column=column)
    lit = here[-1]
    bad = next((a for a in lit.ancestors() if a.kind in _NO_CONSTANT), None)
    if bad is not None:
        what = {"token_tree": "a macro invocation", "const_item": "a constant", "const_spec": "a constant",
                "static_item": "a static"}.get(bad.kind, f"a {bad.kind.replace('_', ' ')}")
        raise TransformationError(f"the literal is inside {what}; it cannot be replaced by a constant there",
                                  kind="refused", line=line, column=column)
    if lit.kind == "string" and language in JS_LIKE and lit.parent is not None and lit.parent.kind in (
            "pair", "property_identifier") and lit.parent.get("key") is lit:
        raise TransformationError("an object key cannot be replaced by a constant", kind="refused", line=line,
                                  column=column)
    value = tree.src(lit)
    model = scope_model(syntax, language, text)
    if name is None:
        name = _constant_name(language, value)
        base, n = name, 2
        while any(o.name == name for o in model.occurrences):
            name, n = f"{base}_{n}" if language != "go" else f"{base}{n}", n + 1
    check_identifier(language, name)
    if any(o.name == name for o in model.occurrences):
        raise TransformationError(f"{name!r} is already used in this file; choose another name", kind="refused")
    targets = [n for n in tree.nodes if n.kind == lit.kind and tree.src(n) == value
               and not any(a.kind in _NO_CONSTANT for a in n.ancestors())] if replace_all else [lit]
    if language in JS_LIKE:
        targets = [t for t in targets if not (t.parent is not None and t.parent.kind == "pair"
                                               and t.parent.get("key") is t)]
    edits = [(t.start, t.end, name.encode()) for t in targets]
    if language in JS_LIKE:
        decl = f"const {name} = {value};\n"
    elif language == "go":
        decl = f"const {name} = {value}\n"
    else:
        decl = f"const {name}: {_rust_type(tree, lit)} = {value};\n"
    at, sep_before = _insertion_point(tree, language)
    before = b"\n" if sep_before else b""
    if sep_before and text[at:at + 1] == b"\n":  # a blank line follows the imports: keep it above
        at, before = at + 1, b""
    edits.append((at, at, before + decl.encode() + b"\n"))
    return apply_edits(text, edits).decode("utf-8")


def _constant_name(language: str, value: str) -> str:
    words = [w for w in re.split(r"[^0-9A-Za-z]+", value.strip("'\"`rb#")) if w][:6]
    if language == "go":
        name = "".join(w[:1].upper() + w[1:].lower() for w in words)
        if not name or name[0].isdigit():
            name = "Value" + name
        return name
    name = "_".join(w.upper() for w in words)[:30].strip("_")
    if not name or name[0].isdigit():
        name = f"VALUE_{name}".rstrip("_")
    return name


def _rust_type(tree: Tree, lit: Node) -> str:
    value = tree.src(lit)
    if lit.kind in ("integer_literal", "float_literal"):
        m = re.search(r"(i8|i16|i32|i64|i128|isize|u8|u16|u32|u64|u128|usize|f32|f64)$", value)
        if m:
            return m.group(1)
        p = lit.parent
        if p is not None and p.kind == "unary_expression":
            p = p.parent
        if p is not None and p.kind == "let_declaration" and p.get("type") is not None:
            t = tree.src(p.get("type"))
            if re.fullmatch(r"[iuf](8|16|32|64|128|size)", t):
                return t
        return "i32" if lit.kind == "integer_literal" else "f64"
    if lit.kind == "char_literal":
        return "char"
    return "&str"


def _insertion_point(tree: Tree, language: str) -> tuple[int, bool]:
    """After the imports / package clause / `use` declarations at the top of the file."""
    root = tree.roots[0] if tree.roots else None
    if root is None:
        return 0, False
    head = {"javascript": ("import_statement", "comment", "hash_bang_line"),
            "go": ("package_clause", "import_declaration", "comment"),
            "rust": ("use_declaration", "inner_attribute_item", "line_comment", "extern_crate_declaration")}
    key = "javascript" if language in JS_LIKE else language
    end = None
    for c in root.children:
        if c.kind in head[key] or (key == "javascript" and c.kind == "expression_statement" and
                                   tree.src(c).startswith(("'use strict'", '"use strict"'))):
            end = c.end
        else:
            break
    if end is None:
        return 0, False
    nl = tree.text.find(b"\n", end)
    return (len(tree.text), True) if nl < 0 else (nl + 1, True)
