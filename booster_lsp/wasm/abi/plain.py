"""Plain exports (@wasm-fmt/gofmt): the only module that knows this ABI.

``_initialize()`` once; ``alloc(len) -> ptr`` and write the source there; ``format()``
returns 0 unchanged / 1 changed / 2 error, the text (or error) is at
``output_ptr()``/``output_len()``; ``dispose()`` frees the buffers.
"""

from __future__ import annotations

import re

from booster_lsp.errors import TransformationError
from booster_lsp.wasm.runtime import LoadedModule, Limits

REQUIRED_EXPORTS = {"alloc", "format", "output_ptr", "output_len", "dispose"}
# gofmt: "3:9: expected ')', found newline" (possibly several lines, one per error)
_GO_LOCATION = re.compile(r"^(?:[^:\n]*:)?(\d+):(\d+): (.*)$", re.M)


class PlainFormatter:
    def __init__(self, module: LoadedModule, limits: Limits) -> None:
        missing = REQUIRED_EXPORTS - module.export_names()
        if missing:
            raise TransformationError(
                f"module {module.name} does not have the plain-exports ABI (missing {', '.join(sorted(missing))})",
                module=module.name,
            )
        self.name = module.name
        self.sandbox = module.instantiate(limits, init="_initialize")

    @property
    def broken(self) -> bool:
        return self.sandbox.broken

    def format(self, text: str) -> str | None:
        data = text.encode("utf-8")
        sandbox = self.sandbox
        try:
            ptr = sandbox.call("alloc", len(data))
            sandbox.write(ptr, data)
            code = sandbox.call("format")
            if code == 0:
                return None
            output = sandbox.read_text(sandbox.call("output_ptr"), sandbox.call("output_len"))
        finally:
            if not sandbox.broken:
                sandbox.call("dispose")
        if code == 1:
            return output
        if code == 2:
            match = _GO_LOCATION.search(output)
            if match:
                message = f"{match.group(3)}"
                return_error = TransformationError(
                    message, line=int(match.group(1)), column=int(match.group(2)), kind="syntax", module=self.name
                )
            else:
                return_error = TransformationError(output.strip() or "syntax error", kind="syntax", module=self.name)
            raise return_error
        sandbox.broken = True
        raise TransformationError(f"{self.name} returned unknown format code {code}", module=self.name)
