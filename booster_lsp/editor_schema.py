"""The VS Code extension's settings schema, generated from BoosterConfig (one source of truth).

``contributes.configuration`` in editors/vscode/package.json is this module's output: every
BoosterConfig field under ``booster.`` in camelCase, nested sections flattened
(``booster.python.quoteStyle``), with type, enum, default, bounds and description taken from
the pydantic model, plus the few settings only the extension reads (``CLIENT_SETTINGS``).
tests/unit/test_vscode_schema.py fails when package.json and the model disagree.

    python -m booster_lsp.editor_schema                      # print the block
    python -m booster_lsp.editor_schema --write PACKAGE_JSON  # update package.json in place
    python -m booster_lsp.editor_schema --check PACKAGE_JSON  # exit 1 if it is stale
"""

from __future__ import annotations

import argparse
import json
import sys
import types as pytypes
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import annotated_types
from pydantic import BaseModel
from pydantic.alias_generators import to_camel
from pydantic.fields import FieldInfo

from booster_lsp.config import BoosterConfig

SECTION = "booster"
PACKAGE_JSON = Path(__file__).resolve().parents[1] / "editors" / "vscode" / "package.json"

#: Settings read by the extension itself and never sent to the server.
CLIENT_SETTINGS: dict[str, dict[str, Any]] = {
    f"{SECTION}.path": {
        "type": "array",
        "items": {"type": "string"},
        "default": [],
        "scope": "machine-overridable",
        "description": (
            'Command that starts the language server, e.g. ["/opt/booster/bin/booster-lsp"] or '
            '["/usr/bin/python3", "-m", "booster_lsp.lsp"]. Empty: the workspace\'s .venv or venv '
            "interpreter with `-m booster_lsp.lsp` (when booster-lsp is installed there), else "
            "`booster-lsp` on PATH."
        ),
    },
    f"{SECTION}.trace.server": {
        "type": "string",
        "enum": ["off", "messages", "verbose"],
        "default": "off",
        "description": "Trace the LSP messages between VS Code and booster-lsp in the output channel.",
    },
}

_JSON_TYPES: dict[Any, str] = {bool: "boolean", int: "integer", float: "number", str: "string"}


def _json_type(annotation: Any) -> dict[str, Any]:
    """JSON-schema type (and enum / items) of a field annotation."""
    origin = get_origin(annotation)
    if origin in (Union, pytypes.UnionType):
        members = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(members) != 1:
            raise TypeError(f"unsupported union {annotation!r}")
        schema = _json_type(members[0])
        if len(members) < len(get_args(annotation)):  # Optional[...]
            schema["type"] = [schema["type"], "null"]
        return schema
    if origin is Literal:
        values = list(get_args(annotation))
        return {"type": _JSON_TYPES[type(values[0])], "enum": values}
    if origin is list:
        (item,) = get_args(annotation)
        return {"type": "array", "items": _json_type(item)}
    if origin is dict or annotation is dict:
        return {"type": "object"}
    if annotation in _JSON_TYPES:
        return {"type": _JSON_TYPES[annotation]}
    raise TypeError(f"no JSON type for {annotation!r}")


def _bounds(field: FieldInfo, json_type: Any) -> dict[str, Any]:
    """gt/ge/lt/le from the field's constraints; integer gt n becomes minimum n + 1."""
    integer = json_type == "integer" or (isinstance(json_type, list) and "integer" in json_type)
    bounds: dict[str, Any] = {}
    for item in field.metadata:
        if isinstance(item, annotated_types.Gt):
            if integer:
                bounds["minimum"] = item.gt + 1
            else:
                bounds["exclusiveMinimum"] = item.gt
        elif isinstance(item, annotated_types.Ge):
            bounds["minimum"] = item.ge
        elif isinstance(item, annotated_types.Lt):
            if integer:
                bounds["maximum"] = item.lt - 1
            else:
                bounds["exclusiveMaximum"] = item.lt
        elif isinstance(item, annotated_types.Le):
            bounds["maximum"] = item.le
    return bounds


def _properties(model: type[BaseModel], prefix: str, section_description: str | None) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        key = f"{prefix}.{to_camel(name)}"
        default = field.get_default(call_default_factory=True)
        if isinstance(default, BaseModel):
            properties.update(_properties(type(default), key, field.description))
            continue
        schema = _json_type(field.annotation)
        schema["default"] = json.loads(json.dumps(default))
        schema.update(_bounds(field, schema["type"]))
        description = field.description or f"{to_camel(name)}."
        if section_description:  # "Python formatter options: Preferred string quotes."
            description = f"{section_description.rstrip('.')}: {description}"
        schema["description"] = description
        properties[key] = schema
    return properties


def model_properties() -> dict[str, Any]:
    """Every BoosterConfig setting as a flat ``booster.<camelCase path>`` property."""
    return _properties(BoosterConfig, SECTION, None)


def configuration_block() -> dict[str, Any]:
    """The ``contributes.configuration`` object of editors/vscode/package.json."""
    return {
        "type": "object",
        "title": "Booster",
        "properties": {**CLIENT_SETTINGS, **model_properties()},
    }


def render_package_json(package: dict[str, Any]) -> str:
    """package.json text with a fresh configuration block (the rest kept as it is)."""
    updated = dict(package)
    contributes = dict(updated.get("contributes", {}))
    contributes["configuration"] = configuration_block()
    updated["contributes"] = contributes
    return json.dumps(updated, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m booster_lsp.editor_schema", description=__doc__.split("\n")[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", type=Path, metavar="PACKAGE_JSON", help="update package.json in place")
    group.add_argument("--check", type=Path, metavar="PACKAGE_JSON", help="exit 1 if package.json is stale")
    args = parser.parse_args(argv)
    if args.write is None and args.check is None:
        print(json.dumps(configuration_block(), indent=2, ensure_ascii=False))
        return 0
    path: Path = args.write or args.check
    current = path.read_text(encoding="utf-8")
    expected = render_package_json(json.loads(current))
    if args.write:
        if expected != current:
            path.write_text(expected, encoding="utf-8")
        return 0
    if expected != current:
        print(
            f"{path}: contributes.configuration differs from BoosterConfig; "
            f"run: python -m booster_lsp.editor_schema --write {path}",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
