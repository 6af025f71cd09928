"""Types of variables for extract function in TypeScript, Go and Rust, recovered from the tree.

Where a variable is declared: a parameter of the signature (`a: T`, `a, b T`), `var x T`,
`let x: T`, `const x: T`, the receiver; otherwise from its initializer: literals by the
language's default (`1` → int / i32 / number, `"s"` → string / &str, `true` → bool / boolean),
another variable of known type, comparisons (bool), arithmetic (the type of the typed operand),
`&x`, `len(...)`, composite literals / struct expressions, `String::from`, `x.to_string()`,
`vec![...]`, calls of functions declared in the file (their single result), struct fields of
types declared in the file (`p.count`, `self.count`), range loops over slices / arrays / ranges.
Anything else is unknown: the caller refuses and names the variable.
"""

from __future__ import annotations

import re

from booster_lsp.core.refactor.block_facts import FACTS
from booster_lsp.core.refactor.scopes import Binding, ScopeModel
from booster_lsp.core.refactor.tree import Node, Tree

_JS_ARITH = {"-", "*", "/", "%", "**", "<<", ">>", ">>>", "&", "|", "^"}


class TypeResolver:
    def __init__(self, language: str, tree: Tree, file_tree_fn, model: ScopeModel) -> None:
        self.language = language
        self.tree = tree
        self._file_tree_fn = file_tree_fn
        self._file_tree: Tree | None = None
        self.model = model
        self.facts = FACTS[language]
        self._busy: set[int] = set()

    @property
    def file_tree(self) -> Tree:
        if self._file_tree is None:
            self._file_tree = self._file_tree_fn()
        return self._file_tree

    def src(self, n: Node) -> str:
        return self.tree.src(n)

    # ------------------------------------------------------------------ bindings
    def type_of(self, b: Binding) -> str | None:
        if id(b) in self._busy:
            return None
        self._busy.add(id(b))
        try:
            for occ in b.occurrences:
                if occ.is_binding:
                    node = self.tree.at(occ.start, occ.end) or self.file_tree.at(occ.start, occ.end)
                    if node is not None:
                        return self._declared(node)
            return None
        finally:
            self._busy.discard(id(b))

    def _declared(self, ident: Node) -> str | None:
        lang = self.language
        p = ident.parent
        if p is None:
            return None
        if lang == "go":
            if p.kind in ("parameter_declaration", "var_spec") and p.get("type") is not None:
                return self.src(p.get("type"))
            if p.kind == "variadic_parameter_declaration":
                return "[]" + self.src(p.get("type"))
            if p.kind == "var_spec":
                return self._nth_value(p, ident, p.all("name"), p.get("value"))
            if p.kind == "expression_list" and p.parent is not None:
                q = p.parent
                names = [c for c in p.children]
                if q.kind == "short_var_declaration":
                    return self._nth_value(q, ident, names, q.get("right"))
                if q.kind == "range_clause":
                    return self._range_type(q.get("right"), names.index(ident))
            return None
        if lang == "rust":
            if p.kind == "mut_pattern":
                p = p.parent
                ident = ident.parent
            if p is None:
                return None
            if p.kind in ("parameter", "let_declaration") and p.get("type") is not None:
                return self.src(p.get("type"))
            if p.kind == "let_declaration" and p.get("value") is not None:
                return self.infer(p.get("value"))
            if p.kind == "for_expression":
                v = p.get("value")
                if v is not None and v.kind == "range_expression" and v.children:
                    return self._rust_range(v)
            return None
        # TypeScript
        if p.kind in ("required_parameter", "optional_parameter"):
            t = p.get("type")
            return self.src(t)[1:].strip() if t is not None else None
        if p.kind == "variable_declarator":
            t = p.get("type")
            if t is not None:
                return self.src(t)[1:].strip()
            if p.get("value") is not None:
                return self._widen(self.infer(p.get("value")), p)
        return None

    def _widen(self, t: str | None, declarator: Node) -> str | None:
        return t

    def _nth_value(self, decl: Node, ident: Node, names: list[Node], values: Node | None) -> str | None:
        if values is None or ident not in names:
            return None
        vals = values.children if values.kind == "expression_list" else [values]
        if len(vals) != len(names):
            return None
        return self.infer(vals[names.index(ident)])

    def _range_type(self, over: Node | None, index: int) -> str | None:
        if over is None:
            return None
        t = self.infer(over)
        if t is None:
            return None
        if t == "string":
            return "int" if index == 0 else "rune"
        m = re.match(r"^\[[^\]]*\](.+)$", t)
        if m:
            return "int" if index == 0 else m.group(1)
        m = re.match(r"^map\[(.+?)\](.+)$", t)
        if m:
            return m.group(1) if index == 0 else m.group(2)
        if t == "int" and index == 0:
            return "int"
        return None

    def _rust_range(self, r: Node) -> str | None:
        for c in r.children:
            t = self.infer(c)
            if t and not self._default_literal(c):
                return t
        return self.infer(r.children[0]) if r.children else None

    def _default_literal(self, n: Node) -> bool:
        return n.kind in self.facts.literals and not re.search(r"[iuf]\d+|size$", self.src(n))

    # ------------------------------------------------------------------ expressions
    def infer(self, e: Node | None) -> str | None:
        if e is None:
            return None
        lang, kind = self.language, e.kind
        text = self.src(e)
        if kind in self.facts.literals:
            if lang == "rust" and kind in ("integer_literal", "float_literal"):
                m = re.search(r"(i8|i16|i32|i64|i128|isize|u8|u16|u32|u64|u128|usize|f32|f64)$", text)
                if m:
                    return m.group(1)
            return self.facts.literals[kind]
        if kind in ("template_string",):
            return "string"
        if kind in ("parenthesized_expression",) and e.children:
            return self.infer(e.children[-1])
        if kind == "identifier":
            occ = self.model.occurrence_at(e.start)
            if occ is not None and occ.binding is not None and occ.binding.defined:
                return self.type_of(occ.binding)
            return None
        if kind == "binary_expression":
            op = e.get("operator")
            optext = self.src(op) if op is not None else self._op_between(e)
            if optext in self.facts.comparisons:
                return "boolean" if lang in ("typescript", "typescriptreact") else "bool"
            left, right = e.get("left"), e.get("right")
            lt, rt = self.infer(left), self.infer(right)
            if lang in ("typescript", "typescriptreact"):
                if optext == "+":
                    if "string" in (lt, rt):
                        return "string"
                    return "number" if lt == rt == "number" else None
                return "number" if optext in _JS_ARITH else None
            if left is not None and self._default_literal(left) and rt:
                return rt
            return lt or rt
        if kind == "unary_expression":
            operand = e.get("operand") or e.get("argument") or (e.children[-1] if e.children else None)
            if text.startswith("!"):
                return "boolean" if lang in ("typescript", "typescriptreact") else self.infer(operand) or "bool"
            if text.startswith("&") and lang == "go":
                t = self.infer(operand)
                if operand is not None and operand.kind == "composite_literal":
                    return "*" + self.src(operand.get("type")) if operand.get("type") is not None else None
                return "*" + t if t else None
            if lang == "go" and text.startswith("*"):
                t = self.infer(operand)
                return t[1:] if t and t.startswith("*") else None
            if text.startswith("typeof"):
                return "string"
            return self.infer(operand)
        if kind == "reference_expression":
            inner = e.get("value") or (e.children[-1] if e.children else None)
            t = self.infer(inner)
            mut = text.startswith("&mut")
            return ("&mut " if mut else "&") + t if t else None
        if kind == "composite_literal" and e.get("type") is not None:
            return self.src(e.get("type"))
        if kind == "struct_expression" and e.get("name") is not None:
            return self.src(e.get("name"))
        if kind == "array" and lang in ("typescript", "typescriptreact") and e.children:
            t = self.infer(e.children[0])
            return f"{t}[]" if t else None
        if kind == "new_expression" and e.get("constructor") is None:
            m = re.match(r"new\s+([A-Za-z_$][\w$.]*)", text)
            return m.group(1) if m else None
        if kind == "as_expression" and lang in ("typescript", "typescriptreact") and len(e.children) == 2:
            return self.src(e.children[1])
        if kind == "type_cast_expression" and e.get("type") is not None:
            return self.src(e.get("type"))
        if kind == "macro_invocation":
            m = e.get("macro")
            name = self.src(m) if m is not None else ""
            if name == "format":
                return "String"
            if name == "vec":
                tt = next((c for c in e.children if c.kind == "token_tree"), None)
                if tt is not None and tt.children:
                    t = self.infer(tt.children[0])
                    return f"Vec<{t}>" if t else None
            return None
        if kind == "await_expression" and lang in ("typescript", "typescriptreact") and e.children:
            t = self.infer(e.children[-1])
            m = re.match(r"^Promise<(.*)>$", t or "")
            return m.group(1) if m else None
        if kind == "call_expression":
            return self._call_type(e)
        if kind in ("selector_expression", "field_expression", "member_expression"):
            return self._field_type(e)
        if kind == "index_expression" and lang == "go":
            t = self.infer(e.get("operand"))
            m = re.match(r"^\[[^\]]*\](.+)$", t or "")
            if m:
                return m.group(1)
            m = re.match(r"^map\[(.+?)\](.+)$", t or "")
            return m.group(2) if m else None
        return None

    def _op_between(self, e: Node) -> str:
        if len(e.children) >= 2:
            return self.tree.text[e.children[0].end:e.children[1].start].decode().strip()
        return ""

    def _call_type(self, e: Node) -> str | None:
        fn = e.get("function")
        if fn is None:
            return None
        name = self.src(fn)
        lang = self.language
        if lang == "go":
            if name in ("len", "cap", "copy"):
                return "int"
            if name in ("make", "new") and e.get("arguments") is not None and e.get("arguments").children:
                t = self.src(e.get("arguments").children[0])
                return t if name == "make" else "*" + t
            if name in ("string", "int", "int64", "float64", "float32", "byte", "rune", "uint", "int32", "uint64"):
                return name
            if name in ("fmt.Sprintf", "fmt.Sprint", "strings.Join", "strings.Repeat", "strconv.Itoa"):
                return "string"
        if lang == "rust":
            if name in ("String::from", "String::new"):
                return "String"
            if name in ("Vec::new",):
                return None
            if fn.kind == "field_expression":
                method = self.src(fn.get("field")) if fn.get("field") is not None else ""
                if method in ("to_string", "to_owned", "to_uppercase", "to_lowercase") and method != "to_owned":
                    return "String"
                if method in ("len", "count"):
                    return "usize"
                if method == "clone":
                    return self.infer(fn.get("value"))
                if method in ("is_empty", "contains", "starts_with", "ends_with", "is_some", "is_none", "is_ok"):
                    return "bool"
        if lang in ("typescript", "typescriptreact"):
            if name in ("String", "JSON.stringify"):
                return "string"
            if name in ("Number", "parseInt", "parseFloat", "Math.max", "Math.min", "Math.floor", "Math.round",
                        "Math.abs", "Math.sqrt", "Math.ceil"):
                return "number"
            if name in ("Boolean", "Array.isArray"):
                return "boolean"
        if fn.kind == "identifier":
            return self._function_result(name)
        return None

    def _function_result(self, name: str) -> str | None:
        for n in self.file_tree.nodes:
            if n.kind in ("function_declaration", "function_item") and n.get("name") is not None \
                    and self.file_tree.src(n.get("name")) == name:
                r = n.get("result") or n.get("return_type")
                if r is None:
                    return None
                t = self.file_tree.src(r)
                if self.language in ("typescript", "typescriptreact"):
                    t = t[1:].strip()
                if self.language == "go" and r.kind == "parameter_list":
                    return None
                return t
        return None

    def _field_type(self, e: Node) -> str | None:
        lang = self.language
        if lang == "go":
            obj, fld = e.get("operand"), e.get("field")
        elif lang == "rust":
            obj, fld = e.get("value"), e.get("field")
        else:
            obj, fld = e.get("object"), e.get("property")
        if obj is None or fld is None:
            return None
        if lang in ("typescript", "typescriptreact") and self.src(fld) == "length":
            t = self.infer(obj)
            return "number" if t and (t == "string" or t.endswith("[]") or t.startswith("Array<")) else None
        if obj.kind in ("self", "this"):
            owner = self._owner_type(e)
        else:
            owner = self.infer(obj)
        if not owner:
            return None
        owner = re.sub(r"^(&mut\s+|&|\*)", "", owner).strip()
        return self._struct_field(owner, self.src(fld))

    def _owner_type(self, e: Node) -> str | None:
        for a in e.ancestors():
            if a.kind == "impl_item" and a.get("type") is not None:
                return self.src(a.get("type"))
            if a.kind in ("class_declaration", "class") and a.get("name") is not None:
                return self.src(a.get("name"))
        return None

    def _struct_field(self, owner: str, field: str) -> str | None:
        ft = self.file_tree
        for n in ft.nodes:
            if n.kind in ("type_spec", "struct_item", "class_declaration") and n.get("name") is not None \
                    and ft.src(n.get("name")) == owner:
                for d in n.walk():
                    if d.kind in ("field_declaration", "public_field_definition"):
                        names = [c for c in d.children if c.field == "name"]
                        if any(ft.src(c) == field for c in names) and d.get("type") is not None:
                            t = ft.src(d.get("type"))
                            return t[1:].strip() if t.startswith(":") else t
        return None


_COPY = re.compile(r"^(?:[iu](?:8|16|32|64|128|size)|f32|f64|bool|char|&(?!mut\b).*|\(\s*\))$")


def rust_is_copy(t: str) -> bool:
    t = t.strip()
    if _COPY.match(t):
        return True
    if t.startswith("(") and t.endswith(")"):
        return all(rust_is_copy(p) for p in _split_top(t[1:-1]))
    return False


def _split_top(s: str) -> list[str]:
    out, depth, cur = [], 0, ""
    for ch in s:
        if ch in "<([":
            depth += 1
        elif ch in ">)]":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur)
    return out
