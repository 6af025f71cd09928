"""Benchmark of the refactorings on a ~2,000-line Python file (CPython's logging/__init__.py).

rename, warm: the document's scope model is cached (same text, as in an editor between edits),
  each run renames a different function-local variable;
rename, cold: a new text every run (parse + refactor query + resolution + edits);
extract function, warm / cold: likewise, on statements inside functions.
extract function in JavaScript, TypeScript, Go and Rust: a ~2,000-line file made of copies of the
multiple_values fixture of tests/fixtures/refactor/<language>/, extracting in the middle copy
(warm: same text; cold: a new text each run).
Targets (docs/DESIGN.md §11 and issue #6): rename ≤ 20 ms median warm, extract ≤ 30 ms.
"""

from __future__ import annotations

import ast
import random
import statistics
import sys
import sysconfig
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from booster_lsp import BoosterConfig, WASMBooster  # noqa: E402
from booster_lsp.core.refactor.extract import extract_function  # noqa: E402
from booster_lsp.core.refactor.rename import rename  # noqa: E402

PATH = Path(sysconfig.get_paths()["stdlib"]) / "logging" / "__init__.py"
FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "refactor"
#: (language, fixture, function name, first and last line of the selection inside the fixture)
BLOCK_CASES = [
    ("javascript", "multiple_values.js", "stats", 2, 5),
    ("typescript", "multiple_values.ts", "stats", 2, 6),
    ("go", "multiple_values.go", "stats", 6, 11),
    ("rust", "multiple_values.rs", "stats", 2, 8),
]


def block_file(language: str, fixture: str, fn: str, start: int, end: int, lines: int = 2000) -> tuple[str, int, int]:
    """Copies of the fixture's function (renamed fn0, fn1, ...) up to ~`lines` lines; the selection
    in the middle copy."""
    source = (FIXTURES / language / fixture).read_text()
    head, _, _ = source.partition(f"func {fn}" if language == "go" else f"fn {fn}" if language == "rust"
                                  else f"function {fn}")
    body = source[len(head):]
    body = body.split("\nfunc main" if language == "go" else "\nfn main" if language == "rust" else f"\n{fn}(")[0]
    n = max(1, lines // (body.count("\n") + 1))
    head_lines = head.count("\n")
    copies = [body.replace(fn, f"{fn}{i}", 1) for i in range(n)]
    middle = n // 2
    offset = head_lines + sum(c.count("\n") + 1 for c in copies[:middle])
    first_line = source[: source.index(body)].count("\n") + 1
    return head + "\n".join(copies), offset + start - first_line + 1, offset + end - first_line + 1


def median_ms(fn, runs: int) -> float:
    times = []
    for i in range(runs):
        started = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    booster = WASMBooster(BoosterConfig(cache_enabled=False), stats_path=None)
    syntax = booster.syntax
    code = PATH.read_text()
    tree = ast.parse(code)
    rng = random.Random(1)
    targets = []
    extracts = []
    for fn in ast.walk(tree):
        if isinstance(fn, ast.FunctionDef):
            for node in ast.walk(fn):
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                    targets.append((node.id, node.lineno, node.col_offset + 1))
            body = [s for s in fn.body if not isinstance(s, (ast.Expr, ast.Return))]
            if len(body) >= 2 and body[0].lineno > fn.lineno and all(isinstance(s, ast.Assign) for s in body[:2]):
                extracts.append((body[0].lineno, body[1].end_lineno))
    rng.shuffle(targets)
    lines = code.count("\n")
    rename(syntax, "python", code, *targets[0][:1], "renamed_x", targets[0][1], targets[0][2])  # warm up
    warm = median_ms(lambda i: rename(syntax, "python", code, targets[i % len(targets)][0], f"renamed_{i}",
                                      targets[i % len(targets)][1], targets[i % len(targets)][2]), 60)
    cold = median_ms(lambda i: rename(syntax, "python", code + f"\n# {i}\n", targets[i % len(targets)][0],
                                      f"renamed_{i}", targets[i % len(targets)][1], targets[i % len(targets)][2]), 20)
    # As in the language server: the document's tree is open in the syntax module and updated
    # incrementally on each change; the refactoring runs on the new text right after an edit.
    uri = "file:///benchmark/logging/__init__.py"
    syntax.open(uri, "python", code.encode("utf-8"))
    edits = {"text": code}
    docstring = code.encode("utf-8").index(b"Logging package")

    counter = iter(range(10**5))

    def after_edit(i: int, action) -> None:
        # a word of the module docstring becomes a new number (a text never analysed before;
        # no line moves, so the targets stay)
        syntax.edit(uri, docstring, docstring + 5, f"{next(counter):05d}".encode())
        edits["text"] = syntax.text(uri).decode("utf-8")
        action(i, edits["text"])

    def rename_local(i: int, text: str) -> None:
        name, line, column = targets[i % len(targets)]
        rename(syntax, "python", text, name, f"renamed_{i}", line, column)

    module_names = [(node.name, node.lineno, node.col_offset + 5) for node in tree.body
                    if isinstance(node, ast.FunctionDef)]

    def rename_module_level(i: int, text: str) -> None:
        name, line, column = module_names[i % len(module_names)]
        rename(syntax, "python", text, name, f"renamed_{i}", line, column)

    def extract_after(i: int, text: str) -> None:
        extract_function(syntax, "python", text, *extracts[i % len(extracts)], "extracted")

    edit_local = median_ms(lambda i: after_edit(i, rename_local), 40)
    edit_module = median_ms(lambda i: after_edit(i, rename_module_level), 20)
    edit_extract = median_ms(lambda i: after_edit(i, extract_after), 20)
    syntax.close(uri)
    ewarm = median_ms(lambda i: extract_function(syntax, "python", code, *extracts[i % len(extracts)], "extracted"), 30)
    ecold = median_ms(lambda i: extract_function(syntax, "python", code + f"\n# {i}\n", *extracts[i % len(extracts)],
                                                 "extracted"), 15)
    api = median_ms(lambda i: booster.transform_sync(code, "rename", "python", old_name=targets[i % len(targets)][0],
                                                     new_name=f"renamed_{i}", line=targets[i % len(targets)][1],
                                                     column=targets[i % len(targets)][2], _cache=False), 30)
    print(f"file: {PATH} ({lines} lines); {len(targets)} rename targets, {len(extracts)} extract ranges")
    print(f"{'measure':<46}{'median ms':>10}{'target':>10}")
    print(f"{'rename, warm (scope model cached)':<46}{warm:>10.2f}{'≤ 20':>10}")
    print(f"{'rename, cold (parse + query + resolve)':<46}{cold:>10.2f}{'':>10}")
    print(f"{'rename via WASMBooster.transform_sync (warm)':<46}{api:>10.2f}{'':>10}")
    print(f"{'rename of a local, after an edit (LSP tree)':<46}{edit_local:>10.2f}{'≤ 20':>10}")
    print(f"{'rename of a module-level name, after an edit':<46}{edit_module:>10.2f}{'≤ 20':>10}")
    print(f"{'extract function, warm':<46}{ewarm:>10.2f}{'≤ 30':>10}")
    print(f"{'extract function, cold':<46}{ecold:>10.2f}{'':>10}")
    print(f"{'extract function, after an edit (LSP tree)':<46}{edit_extract:>10.2f}{'≤ 30':>10}")
    for language, fixture, fn, start, end in BLOCK_CASES:
        text, s0, e0 = block_file(language, fixture, fn, start, end)
        extract_function(syntax, language, text, s0, e0, "extracted")  # warm up (and check it works)
        bwarm = median_ms(lambda i: extract_function(syntax, language, text, s0, e0, "extracted"), 30)
        bcold = median_ms(lambda i: extract_function(syntax, language, text + f"\n// {i}\n", s0, e0, "extracted"), 10)
        # after an edit, as in the language server: a comment line on top changes each time
        held = f"// 00000\n{text}"
        block_uri = f"file:///benchmark/extract.{language}"
        syntax.open(block_uri, language, held.encode("utf-8"))
        block_counter = iter(range(10**5))

        def block_after_edit(i: int) -> None:
            syntax.edit(block_uri, 3, 8, f"{next(block_counter):05d}".encode())
            extract_function(syntax, language, syntax.text(block_uri).decode("utf-8"), s0 + 1, e0 + 1, "extracted")

        bedit = median_ms(block_after_edit, 15)
        syntax.close(block_uri)
        n = text.count("\n")
        print(f"{f'extract function {language} ({n} lines), warm':<46}{bwarm:>10.2f}{'≤ 30':>10}")
        print(f"{f'extract function {language} ({n} lines), cold':<46}{bcold:>10.2f}{'':>10}")
        print(f"{f'extract function {language}, after an edit':<46}{bedit:>10.2f}{'≤ 30':>10}")


if __name__ == "__main__":
    main()
