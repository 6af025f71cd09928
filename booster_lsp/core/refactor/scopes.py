"""Binding resolution from the syntax module's query captures.

One `ScopeModel` per document text: every identifier occurrence with its scope and the binding
it resolves to. Python follows the language's rules (function scopes, class scopes invisible
to nested functions, comprehension scopes whose first iterable is evaluated outside, `global`
and `nonlocal`, walrus in comprehensions, defaults / annotations / decorators evaluated in the
enclosing scope). JavaScript, TypeScript, Go and Rust use the locals convention of their
`locals.scm` (block scopes) plus `refactor.scm` facts: declaration names that belong to the
enclosing scope, and declaration statements after which a `let` / `:=` binding becomes visible
(so Rust's `let x = x + 1` shadowing resolves the right-hand `x` to the previous binding).

Everything is byte offsets into the UTF-8 text.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Callable

from booster_lsp.core.syntax import GRAMMARS, SyntaxService, query_path
from booster_lsp.errors import TransformationError

log = logging.getLogger(__name__)

_uri_counter = itertools.count()


@dataclass
class Scope:
    id: int
    kind: str  # module | function | class | lambda | comprehension | block
    start: int
    end: int
    parent: "Scope | None"
    bindings: dict[str, "Binding"] = field(default_factory=dict)
    globals: set[str] = field(default_factory=set)
    nonlocals: set[str] = field(default_factory=set)
    node_start: int = 0  # the whole node (def ... / class ...), for placement
    node_end: int = 0
    params: tuple[int, int] | None = None  # byte range of the parameter list
    name: str | None = None  # function / class name
    name_start: int | None = None
    children: list["Scope"] = field(default_factory=list)

    def chain(self) -> "list[Scope]":
        """Scopes searched for a free name used here (Python: enclosing classes are skipped)."""
        out: list[Scope] = [self]
        s = self.parent
        while s is not None:
            if s.kind != "class":
                out.append(s)
            s = s.parent
        return out

    def contains_scope(self, other: "Scope") -> bool:
        s: Scope | None = other
        while s is not None:
            if s is self:
                return True
            s = s.parent
        return False


@dataclass
class Binding:
    name: str
    scope: Scope
    kind: str = "variable"  # variable | param | function | class | import | global (implicit)
    defined: bool = True  # False: a free global / builtin nobody binds in this file
    occurrences: list["Occurrence"] = field(default_factory=list)
    visible_from: int = 0  # block-scoped languages: where the binding starts to be visible


@dataclass
class Occurrence:
    start: int
    end: int
    name: str
    role: str  # ref | store | param | def | global | nonlocal | walrus
    scope: Scope
    binding: Binding | None = None
    shorthand: bool = False  # JS `{x}` / Rust `S { x }`: renaming keeps the key (`x: new`)

    @property
    def is_binding(self) -> bool:
        return self.role in ("store", "param", "def", "walrus")


class ScopeModel:
    def __init__(self, language: str, text: bytes) -> None:
        self.language = language
        self.text = text
        self.scopes: list[Scope] = []
        self.occurrences: list[Occurrence] = []
        self._starts: list[int] = []
        self.calls: list[tuple[Occurrence, tuple[int, int]]] = []  # (callee occurrence, keyword name range)
        self.module: Scope
        self._load_imports: Callable[[int, int], dict[tuple[int, int], str]] | None = None
        self._load_members: Callable[[], tuple[set[int], dict[str, list[int]]]] | None = None
        self._members: tuple[set[int], dict[str, list[int]]] | None = None
        #: None: the whole text; else the byte range of the top-level statements modelled
        self.span: tuple[int, int] | None = None

    def import_kind(self, occurrence: "Occurrence") -> str | None:
        """How an import without an alias binds this occurrence: "name" (can be aliased on
        rename), "dotted" (Python `import a.b`: cannot), or None (not an import). The imports
        query runs on the occurrence's range only: a rename asks about a few binding sites."""
        if not occurrence.is_binding or self._load_imports is None:
            return None
        found = self._load_imports(occurrence.start, occurrence.end)
        return found.get((occurrence.start, occurrence.end))

    def member_uses(self, binding: "Binding") -> list[int]:
        """Where ``binding``, a method, attribute or associated item of a type, is used as
        ``value.name`` (``Type::name``): byte offsets. Empty when it is not a member, or has
        no such use here. The members query runs only when a rename asks."""
        if self._load_members is None:
            return []
        if self._members is None:
            self._members = self._load_members()
        definitions, uses = self._members
        member = (self.language == "python" and binding.scope.kind == "class") or any(
            occurrence.start in definitions for occurrence in binding.occurrences if occurrence.is_binding
        )
        return uses.get(binding.name, []) if member else []

    # ------------------------------------------------------------------ look-ups
    def finish(self) -> None:
        self.occurrences.sort(key=lambda o: o.start)
        self._starts = [o.start for o in self.occurrences]

    def occurrence_at(self, offset: int) -> Occurrence | None:
        i = bisect.bisect_right(self._starts, offset) - 1
        if i >= 0:
            o = self.occurrences[i]
            if o.start <= offset <= o.end:
                return o
        return None

    def occurrences_in(self, start: int, end: int) -> list[Occurrence]:
        i = bisect.bisect_left(self._starts, start)
        j = bisect.bisect_left(self._starts, end)
        return self.occurrences[i:j]

    def scope_at(self, offset: int) -> Scope:
        best = self.module
        for s in self.scopes:
            if s.start <= offset < s.end and (s.end - s.start) <= (best.end - best.start):
                best = s
        return best

    def bindings_named(self, name: str) -> list[Binding]:
        return [s.bindings[name] for s in self.scopes if name in s.bindings and s.bindings[name].defined]

    def resolve_name(self, scope: Scope, name: str, offset: int | None = None) -> Binding | None:
        """The binding `name` would resolve to if read in `scope` (at `offset`)."""
        if self.language == "python":
            return _py_lookup(scope, name)
        return _block_lookup(scope, name, offset if offset is not None else scope.end)


# ====================================================================== building
_models: "OrderedDict[tuple[str, str], ScopeModel]" = OrderedDict()
_models_lock = threading.Lock()
_MAX_MODELS = 16


def scope_model(syntax: SyntaxService, language: str, text: bytes) -> ScopeModel:
    """The scope model of `text`, built once per distinct text (a small LRU, so repeated
    refactorings of the same document version do not parse and query again)."""
    return _model(syntax, language, text, None)


def symbol_model(syntax: SyntaxService, language: str, text: bytes, offset: int) -> ScopeModel:
    """A scope model that resolves the symbol at byte `offset` exactly as the whole text's
    model would, built from as little of the text as possible.

    A binding of a function (or class, lambda, comprehension, block) scope is only seen from
    inside that scope: the model of the outermost function around `offset` (else of the
    top-level statement) has every occurrence of such a binding and every use of any other
    name that a rename of it could capture or be captured by. Bindings of scopes outside that
    range (module-level names, used anywhere; a method's class attributes) and the parameters
    of a function whose callers lie outside it (Python keyword arguments at call sites) need
    the whole text's model. In a 2,000-line file this is a query over ~50 lines, not 2,000."""
    return cached_scope_model(language, text) or local_model(syntax, language, text, offset) \
        or _model(syntax, language, text, None)


def local_model(syntax: SyntaxService, language: str, text: bytes, offset: int, *,
                call_sites: bool = True) -> ScopeModel | None:
    """The model of the function (or top-level statement) around `offset` when it holds
    everything about the symbol there (see symbol_model), else None. ``call_sites=False``
    when the keyword arguments naming a parameter do not matter (anything but a rename)."""
    span, _ = _enclosing_span(syntax, language, text, offset)
    if span is None or span == (0, len(text)):
        return None
    model = _model(syntax, language, text, span)
    occurrence = model.occurrence_at(offset) or (model.occurrence_at(offset - 1) if offset > 0 else None)
    binding = occurrence.binding if occurrence is not None else None
    return model if binding is not None and binding.defined and _confined(model, binding, call_sites) else None


def function_model(syntax: SyntaxService, language: str, text: bytes, offset: int) -> ScopeModel | None:
    """The model of the outermost function containing byte `offset` (None outside functions),
    or the whole text's model if it is built already. Either is complete for every binding of
    that function and of the scopes nested in it (see symbol_model)."""
    full = cached_scope_model(language, text)
    if full is not None:
        return full
    span, is_function = _enclosing_span(syntax, language, text, offset)
    return _model(syntax, language, text, span) if is_function and span is not None else None


def _confined(model: ScopeModel, binding: Binding, call_sites: bool = True) -> bool:
    """Does the model's range hold all the binding's occurrences (and, with `call_sites`, the
    calls whose keyword arguments name it)?"""
    assert model.span is not None
    lo, hi = model.span

    def inside(scope: Scope | None) -> bool:
        return scope is not None and scope is not model.module and lo <= scope.node_start and scope.node_end <= hi

    if not inside(binding.scope):
        return False
    return not (call_sites and model.language == "python" and binding.kind == "param") or inside(binding.scope.parent)


#: The root node kind of each grammar: its children are the top-level statements.
_ROOTS = {"python": "module", "javascript": "program", "typescript": "program", "tsx": "program",
          "go": "source_file", "rust": "source_file"}
#: The refactor query's capture of a whole function node (Python `def`, the others' functions,
#: methods and closures).
_FUNCTION_CAPTURES = frozenset({"fn", "function"})
#: ... and of its name, in the same match.
_NAME_CAPTURES = frozenset({"def", "local.definition.outer"})


def _enclosing_span(syntax: SyntaxService, language: str, text: bytes,
                    offset: int) -> tuple[tuple[int, int] | None, bool]:
    """(byte range, is a function): the outermost function containing `offset` (or
    `offset - 1`: the cursor just after an identifier still names it), else the top-level
    statement(s) there."""
    lo, hi = max(0, offset - 1), offset + 1
    captures = run_query(syntax, language, text, "refactor", None, lo, hi)
    # a function's own name is bound outside it: its model would not do
    named = {c.match_id for c in captures if c.name in _NAME_CAPTURES and c.start_byte <= offset <= c.end_byte}
    functions = [c for c in captures if c.name in _FUNCTION_CAPTURES and c.start_byte <= lo and hi <= c.end_byte
                 and c.match_id not in named]
    if functions:
        outermost = max(functions, key=lambda c: c.end_byte - c.start_byte)
        return (outermost.start_byte, outermost.end_byte), True
    top = run_query(syntax, language, text, "top", f"({_ROOTS[GRAMMARS[language]]} (_) @top)", lo, hi)
    if not top:
        return None, False
    return (min(c.start_byte for c in top), max(c.end_byte for c in top)), False


def _model(syntax: SyntaxService, language: str, text: bytes, span: tuple[int, int] | None) -> ScopeModel:
    """The model of `text`, or of the statements in `span` only (cached either way)."""
    key = (language, hashlib.blake2b(text, digest_size=16).hexdigest(), *(span or ()))
    with _models_lock:
        model = _models.get(key)
        if model is not None:
            _models.move_to_end(key)
            return model
    start, end = span or (0, 0)
    captures = run_query(syntax, language, text, "refactor", None, start, end)
    model = build_python(text, captures) if language == "python" else build_block(language, text, captures)
    model.span = span
    model._load_imports = lambda lo, hi: _imports(syntax, language, text, lo, hi)
    if query_path(SyntaxService.grammar(language), "members").is_file():  # JS/TS: class members bind nothing
        model._load_members = lambda: _members(syntax, language, text)
    with _models_lock:
        _models[key] = model
        while len(_models) > _MAX_MODELS:
            _models.popitem(last=False)
    return model


def _imports(syntax: SyntaxService, language: str, text: bytes, start: int, end: int) -> dict[tuple[int, int], str]:
    imports: dict[tuple[int, int], str] = {}
    for capture in run_query(syntax, language, text, "imports", None, start, end):
        if capture.name == "import.name":
            imports[(capture.start_byte, capture.end_byte)] = "name"
        elif capture.name == "import.dotted":
            first = text[capture.start_byte:capture.end_byte].split(b".")[0].strip()
            kind = "dotted" if b"." in text[capture.start_byte:capture.end_byte] else "name"
            imports[(capture.start_byte, capture.start_byte + len(first))] = kind
    return imports


def _members(syntax: SyntaxService, language: str, text: bytes) -> tuple[set[int], dict[str, list[int]]]:
    definitions: set[int] = set()
    uses: dict[str, list[int]] = {}
    for capture in run_query(syntax, language, text, "members"):
        if capture.name == "member.definition":
            definitions.add(capture.start_byte)
        elif capture.name == "member.use":
            uses.setdefault(text[capture.start_byte:capture.end_byte].decode("utf-8"), []).append(capture.start_byte)
    return definitions, uses


def cached_scope_model(language: str, text: bytes) -> ScopeModel | None:
    """The scope model of `text` if it is already built (never parses: for cheap checks)."""
    key = (language, hashlib.blake2b(text, digest_size=16).hexdigest())
    with _models_lock:
        return _models.get(key)


_query_sources: dict[tuple[str, str], str] = {}


def query_source(syntax: SyntaxService, language: str, name: str) -> str:
    key = (language, name)
    if key not in _query_sources:
        source = syntax.query_file(language, name)
        if name == "refactor" and language != "python":
            source = syntax.query_file(language, "locals") + "\n" + source
        _query_sources[key] = source
    return _query_sources[key]


_open_docs: "OrderedDict[tuple[int, str, str], str]" = OrderedDict()
_MAX_OPEN = 8


def run_query(syntax: SyntaxService, language: str, text: bytes, name: str, source: str | None = None,
              start_byte: int = 0, end_byte: int = 0) -> list:
    """Captures of wasm/queries/<language>/<name>.scm on `text`. Code with syntax errors is
    refused (kind "syntax").

    No new parse when a tree of exactly this text is open: the language server's
    incrementally updated tree of the document (a refactoring right after an edit costs an
    incremental reparse, not a full one), or one of the last few texts refactored here, so the
    refactor, flow and simplify queries of one text share one parse."""
    source = source if source is not None else query_source(syntax, language, name)
    with syntax.document_holding(language, text) as uri:  # no other thread edits it meanwhile
        if uri is not None:
            _refuse_syntax_errors(syntax, uri, close=False)
            return syntax.query(uri, source, start_byte, end_byte)
    uri = f"booster-refactor:{next(_uri_counter)}"
    log.debug("refactoring: parsing a %d-byte %s text no open tree holds", len(text), language)
    syntax.open(uri, language, text)
    _refuse_syntax_errors(syntax, uri, close=True)
    _remember(syntax, language, text, uri)
    return run_query(syntax, language, text, name, source, start_byte, end_byte)


def parses_cleanly(syntax: SyntaxService, language: str, before: bytes, after: bytes) -> bool:
    """Does `after`, a refactoring of `before`, parse without syntax errors?

    When a tree of `before` is open (the language server's, or ours from the refactoring's
    queries), a copy of it is edited into `after`'s: an incremental reparse of the lines that
    changed instead of a parse of the whole file. The copy then holds `after`, for the next
    refactoring of that text."""
    uri = f"booster-refactor:{next(_uri_counter)}"
    with syntax.document_holding(language, before) as held:
        if held is not None:
            try:
                syntax.copy(held, uri)
            except TransformationError:  # the module failed: parse the result instead
                held = None
    if held is None:
        return not syntax.parse_errors(language, after)
    try:
        syntax.replace_text(uri, after)
        clean = not syntax.has_errors(uri)
    except TransformationError:
        syntax.close(uri)
        return not syntax.parse_errors(language, after)
    if not clean:
        syntax.close(uri)
        return False
    _remember(syntax, language, after, uri)
    return True


def _remember(syntax: SyntaxService, language: str, text: bytes, uri: str) -> None:
    """Keep our document of `text` open among the last _MAX_OPEN; close the oldest, and an
    earlier document of the same text (the same refactoring computed twice)."""
    key = (id(syntax), language, hashlib.blake2b(text, digest_size=16).hexdigest())
    with _models_lock:
        evicted = [_open_docs.pop(key)] if key in _open_docs else []
        _open_docs[key] = uri
        while len(_open_docs) > _MAX_OPEN:
            evicted.append(_open_docs.popitem(last=False)[1])
    for old in evicted:
        if old != uri:
            syntax.close(old)


def _refuse_syntax_errors(syntax: SyntaxService, uri: str, *, close: bool) -> None:
    if not syntax.has_errors(uri):
        return
    issue = syntax.errors(uri)[0]
    if close:
        syntax.close(uri)
    raise TransformationError(
        f"the code has a syntax error ({issue.message}); refusing to refactor it",
        kind="syntax", line=issue.start[0] + 1, column=issue.start[1] + 1,
    )


_ROLE_RANK = {"param": 6, "param.splat": 6, "def": 5, "walrus": 5, "store": 5, "global": 5, "nonlocal": 5, "skip": 2, "ref": 1}


def build_python(text: bytes, captures: list) -> ScopeModel:
    model = ScopeModel("python", text)
    roles: dict[int, tuple[int, str]] = {}  # start -> (end, role)
    regions: list[tuple[int, int, str, int, dict]] = []  # (start, end, kind, order, info)
    matches: dict[int, dict[str, tuple[int, int]]] = {}
    for c in captures:
        name = c.name
        if name in _ROLE_RANK:
            prev = roles.get(c.start_byte)
            if prev is None or _ROLE_RANK[name] > _ROLE_RANK[prev[1]]:
                roles[c.start_byte] = (c.end_byte, name)
            if name == "def":
                matches.setdefault(c.match_id, {})[name] = (c.start_byte, c.end_byte)
        else:
            matches.setdefault(c.match_id, {})[name] = (c.start_byte, c.end_byte)
    calls: list[tuple[int, tuple[int, int]]] = []
    seen_regions: set[tuple[int, int]] = set()
    for m in matches.values():
        # A match of a node that error recovery left without a part the pattern names (a
        # `def` with no body in broken code, seen on trees edited incrementally) opens no scope.
        if "fn" in m:
            if "fn.body" not in m or "fn.params" not in m:
                continue
            s, e = m["fn.body"]
            regions.append((s, e, "function", 0, {"node": m["fn"], "params": m["fn.params"], "name": m.get("def")}))
        elif "class" in m:
            if "class.body" not in m:
                continue
            s, e = m["class.body"]
            regions.append((s, e, "class", 0, {"node": m["class"], "name": m.get("def")}))
        elif "lambda" in m:
            if "lambda.body" not in m:
                continue
            s, e = m["lambda.body"]
            if (s, e) in seen_regions:
                if "lambda.params" in m:
                    for r in regions:
                        if r[0] == s and r[1] == e and r[2] == "lambda":
                            r[4]["params"] = m["lambda.params"]
                continue
            seen_regions.add((s, e))
            regions.append((s, e, "lambda", 0, {"node": m["lambda"], "params": m.get("lambda.params")}))
        elif "comp" in m:
            s, e = m["comp"]
            regions.append((s, e, "comprehension", 0, {"node": m["comp"]}))
            if "comp.first" in m:
                hs, he = m["comp.first"]
                regions.append((hs, he, "hole", 1, {}))  # evaluated in the comprehension's parent
        elif "call.callee" in m:
            calls.append((m["call.callee"][0], m["call.keyword"]))
    module = Scope(0, "module", 0, len(text), None, node_start=0, node_end=len(text))
    model.module = module
    model.scopes.append(module)
    # Regions sorted outer-first; a sweep over identifiers keeps a stack of open regions.
    regions.sort(key=lambda r: (r[0], -r[1], r[3]))
    ident_starts = sorted(roles)
    stack: list[tuple[int, Scope]] = [(len(text) + 1, module)]  # (end, scope to use)
    params_stack: list[tuple[int, int, Scope]] = []
    ri = 0
    pending_walrus: list[Occurrence] = []
    param_ranges: list[tuple[int, int, Scope]] = []
    # scopes first (so params can be attributed to a function whose body comes later)
    scope_by_region: dict[tuple[int, int, str], Scope] = {}
    sweep: list[tuple[int, int, str, int, dict]] = regions
    rstack: list[tuple[int, Scope]] = [(len(text) + 1, module)]
    for s, e, kind, _, info in sweep:
        while rstack[-1][0] <= s:
            rstack.pop()
        parent = rstack[-1][1]
        if kind == "hole":
            # the comprehension's parent
            comp = parent
            rstack.append((e, comp.parent or module))
            continue
        scope = Scope(len(model.scopes), kind, s, e, parent)
        ns, ne = info["node"]
        scope.node_start, scope.node_end = ns, ne
        scope.params = info.get("params")
        if info.get("name"):
            scope.name_start = info["name"][0]
            scope.name = text[info["name"][0]:info["name"][1]].decode("utf-8")
        parent.children.append(scope)
        model.scopes.append(scope)
        scope_by_region[(s, e, kind)] = scope
        rstack.append((e, scope))
        if scope.params:
            param_ranges.append((scope.params[0], scope.params[1], scope))
    param_ranges.sort(key=lambda r: (r[0], -(r[1])))
    # identifiers
    stack = [(len(text) + 1, module)]
    pi = 0
    for start in ident_starts:
        end, role = roles[start]
        while ri < len(sweep) and sweep[ri][0] <= start:
            s, e, kind, _, info = sweep[ri]
            ri += 1
            while stack[-1][0] <= s:
                stack.pop()
            if kind == "hole":
                comp = stack[-1][1]
                stack.append((e, comp.parent or module))
            else:
                stack.append((e, scope_by_region[(s, e, kind)]))
        while stack[-1][0] <= start:
            stack.pop()
        while pi < len(param_ranges) and param_ranges[pi][0] <= start:
            params_stack.append(param_ranges[pi])
            pi += 1
        while params_stack and params_stack[-1][1] <= start:
            params_stack.pop()
        scope = stack[-1][1]
        if role == "param.splat":
            role = "param" if params_stack and params_stack[-1][0] <= start < params_stack[-1][1] else "store"
        if role == "param":
            if not params_stack:
                role = "ref"
            else:
                scope = params_stack[-1][2]
        if role == "skip":
            continue
        name = text[start:end].decode("utf-8")
        occ = Occurrence(start, end, name, role, scope)
        model.occurrences.append(occ)
        if role == "walrus":
            pending_walrus.append(occ)
    model.finish()
    _resolve_python(model, pending_walrus)
    by_start = {o.start: o for o in model.occurrences}
    for callee_start, kw in calls:
        callee = by_start.get(callee_start)
        if callee is not None:
            model.calls.append((callee, kw))
    return model


def _resolve_python(model: ScopeModel, walrus: list[Occurrence]) -> None:
    for occ in walrus:  # a walrus in a comprehension binds in the enclosing function scope
        s = occ.scope
        while s.kind == "comprehension" and s.parent is not None:
            s = s.parent
        occ.scope = s
    for occ in model.occurrences:
        if occ.role == "global":
            occ.scope.globals.add(occ.name)
        elif occ.role == "nonlocal":
            occ.scope.nonlocals.add(occ.name)
    module = model.module
    # bindings
    for occ in model.occurrences:
        if not occ.is_binding:
            continue
        s = occ.scope
        if occ.name in s.globals:
            s = module
        elif occ.name in s.nonlocals:
            continue  # bound in an enclosing function; resolved below
        if occ.name not in s.bindings:
            kind = "param" if occ.role == "param" else "variable"
            if occ.role == "def":
                kind = "function_or_class"
            s.bindings[occ.name] = Binding(occ.name, s, kind)
        elif occ.role == "param":
            s.bindings[occ.name].kind = "param"
    for occ in model.occurrences:
        b = _py_resolve_occurrence(occ, module)
        occ.binding = b
        b.occurrences.append(occ)


def _py_resolve_occurrence(occ: Occurrence, module: Scope) -> Binding:
    s, name = occ.scope, occ.name
    if name in s.globals or (s is module):
        return _module_binding(module, name)
    if name in s.nonlocals:
        p = s.parent
        while p is not None and p is not module:
            if p.kind != "class" and name in p.bindings and name not in p.globals:
                return p.bindings[name]
            p = p.parent
        return _module_binding(module, name)
    if name in s.bindings:
        return s.bindings[name]
    b = _py_lookup(s, name)
    return b if b is not None else _module_binding(module, name)


def _py_lookup(scope: Scope, name: str) -> Binding | None:
    for s in scope.chain():
        if name in s.globals:
            return s.bindings.get(name) if s.parent is None else _find_module(s).bindings.get(name)
        if name in s.nonlocals:
            continue
        if name in s.bindings:
            return s.bindings[name]
    return None


def _find_module(scope: Scope) -> Scope:
    while scope.parent is not None:
        scope = scope.parent
    return scope


def _module_binding(module: Scope, name: str) -> Binding:
    b = module.bindings.get(name)
    if b is None:
        b = Binding(name, module, "global", defined=False)
        module.bindings[name] = b
    return b


# ====================================================================== block-scoped languages
def build_block(language: str, text: bytes, captures: list) -> ScopeModel:
    """JS / TS / Go / Rust: @local.scope / @local.definition / @local.reference from locals.scm,
    plus refactor.scm: @definition.outer (a declaration name bound in the enclosing scope),
    @declaration (a statement after which its definitions are visible: let, :=, const),
    @skip (identifiers that are not variables), @function (+ @function.body / @function.params)."""
    model = ScopeModel(language, text)
    module = Scope(0, "module", 0, len(text), None, node_start=0, node_end=len(text))
    model.module = module
    model.scopes.append(module)
    scope_ranges: set[tuple[int, int]] = set()
    roles: dict[int, tuple[int, str]] = {}
    decls: list[tuple[int, int]] = []
    functions: dict[int, dict[str, tuple[int, int]]] = {}
    shorthands: set[int] = set()
    rank = {"local.definition.outer": 7, "local.definition": 6, "skip": 3, "local.reference.shorthand": 2, "local.reference": 1}
    for c in captures:
        n = c.name
        if n == "local.scope":
            scope_ranges.add((c.start_byte, c.end_byte))
        elif n in rank:
            prev = roles.get(c.start_byte)
            if prev is None or rank[n] > rank[prev[1]]:
                roles[c.start_byte] = (c.end_byte, n)
            if n == "local.definition.outer":
                functions.setdefault(c.match_id, {})["function.name"] = (c.start_byte, c.end_byte)
            if c.kind in _SHORTHAND_KINDS or n == "local.reference.shorthand":
                shorthands.add(c.start_byte)
        elif n == "declaration":
            decls.append((c.start_byte, c.end_byte))
        elif n.startswith("function"):
            functions.setdefault(c.match_id, {})[n] = (c.start_byte, c.end_byte)
    fn_by_node = {m["function"]: m for m in functions.values() if "function" in m}
    stack: list[Scope] = [module]
    scope_list = sorted(scope_ranges, key=lambda r: (r[0], -r[1]))
    for s, e in scope_list:
        if (s, e) == (0, len(text)) or (s == 0 and e >= len(text.rstrip())):
            continue
        while stack[-1] is not module and stack[-1].end <= s:
            stack.pop()
        parent = stack[-1]
        scope = Scope(len(model.scopes), "block", s, e, parent, node_start=s, node_end=e)
        m = fn_by_node.get((s, e))
        if m is not None:
            scope.kind = "function"
            scope.params = m.get("function.params")
            if "function.name" in m:
                scope.name_start = m["function.name"][0]
                scope.name = text[m["function.name"][0]:m["function.name"][1]].decode("utf-8")
        parent.children.append(scope)
        model.scopes.append(scope)
        stack.append(scope)
    decls.sort()
    decl_starts = [d[0] for d in decls]
    stack = [module]
    si = 1
    sequential = language in ("rust", "go")
    for start in sorted(roles):
        end, role = roles[start]
        while si < len(model.scopes) and model.scopes[si].start <= start:
            sc = model.scopes[si]
            si += 1
            while stack[-1] is not module and stack[-1].end <= sc.start:
                stack.pop()
            stack.append(sc)
        while stack[-1] is not module and stack[-1].end <= start:
            stack.pop()
        if role == "skip":
            continue
        scope = stack[-1]
        name = text[start:end].decode("utf-8")
        if role == "local.definition.outer":
            # the name of a function / method declaration: bound where the declaration stands
            if scope.name_start == start and scope.parent is not None:
                scope = scope.parent
            role = "def"
        elif role == "local.definition":
            role = "store"
        else:
            role = "ref"
        occ = Occurrence(start, end, name, role, scope)
        occ.shorthand = start in shorthands
        model.occurrences.append(occ)
        if occ.is_binding:
            visible = 0
            if sequential and scope is not module:
                i = bisect.bisect_right(decl_starts, start) - 1
                visible = start
                while i >= 0:
                    ds, de = decls[i]
                    if ds <= start < de:
                        visible = de
                        break
                    i -= 1
            existing = scope.bindings.get(name)
            if existing is None or (sequential and scope is not module):
                b = Binding(name, scope, "function_or_class" if role == "def" else "variable", visible_from=visible)
                # several sequential bindings of one name per scope: keep a chain
                b.previous = existing  # type: ignore[attr-defined]
                scope.bindings[name] = b
            occ.binding = scope.bindings[name]
    model.finish()
    for occ in model.occurrences:
        if occ.binding is None:
            b = _block_lookup(occ.scope, occ.name, occ.start)
            if b is None:
                b = _module_binding(module, occ.name)
            occ.binding = b
        occ.binding.occurrences.append(occ)
    return model


_SHORTHAND_KINDS = frozenset({"shorthand_property_identifier", "shorthand_property_identifier_pattern"})


def _block_lookup(scope: Scope, name: str, offset: int) -> Binding | None:
    s: Scope | None = scope
    while s is not None:
        b = s.bindings.get(name)
        while b is not None and b.visible_from > offset:
            b = getattr(b, "previous", None)
        if b is not None:
            return b
        s = s.parent
    return None
