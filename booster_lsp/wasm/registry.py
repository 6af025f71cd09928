"""modules.lock -> which module serves what; integrity; installation through the npm client.

The lock pins every third-party module (npm package, exact version, path inside the
tarball, sha256, licence, ABI, languages). ``<wasm_dir>/modules.lock`` may add entries of
the user's own (any dprint v4 plugin) without code changes.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from booster_lsp.atomic_file import replace_file
from booster_lsp.config import CHECKOUT_ROOT, PACKAGE_ROOT
from booster_lsp.errors import BoosterError, TransformationError, WASMModuleNotFound

TYPE_CHECKING = False
if TYPE_CHECKING:
    import tarfile

LOCK_NAME = "modules.lock"
SYNTAX_MODULE = "booster-syntax"
SYNTAX_LOCK_NAME = "syntax-sources.lock"


def default_lock_path() -> Path:
    for candidate in (CHECKOUT_ROOT / "wasm" / LOCK_NAME, PACKAGE_ROOT / "_data" / LOCK_NAME):
        if candidate.is_file():
            return candidate
    return CHECKOUT_ROOT / "wasm" / LOCK_NAME


def syntax_lock_path() -> Path:
    for candidate in (CHECKOUT_ROOT / "wasm" / SYNTAX_LOCK_NAME, PACKAGE_ROOT / "_data" / SYNTAX_LOCK_NAME):
        if candidate.is_file():
            return candidate
    return CHECKOUT_ROOT / "wasm" / SYNTAX_LOCK_NAME


@dataclass(frozen=True)
class ModuleSpec:
    name: str
    package: str
    version: str
    file: str
    sha256: str
    abi: str
    languages: tuple[str, ...]
    extensions: tuple[str, ...]
    operations: tuple[str, ...]
    license: str = "unknown"
    glue: str | None = None
    glue_sha256: str | None = None
    language_extensions: dict[str, str] = field(default_factory=dict)

    @property
    def provider(self) -> str:
        return f"wasm:{self.name}@{self.version}"

    def extension_for(self, language: str) -> str:
        return self.language_extensions.get(language) or (self.extensions[0] if self.extensions else language)


@dataclass(frozen=True)
class ModuleStatus:
    spec: ModuleSpec
    state: str  # "ok" | "missing" | "mismatch"
    path: Path
    detail: str = ""


def parse_lock(path: Path) -> dict[str, ModuleSpec]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise BoosterError(f"cannot read module lock {path}: {exc}") from None
    specs = {}
    for name, entry in data.get("modules", {}).items():
        try:
            specs[name] = ModuleSpec(
                name=name,
                package=entry["package"],
                version=entry["version"],
                file=entry["file"],
                sha256=entry["sha256"].lower(),
                abi=entry["abi"],
                languages=tuple(entry["languages"]),
                extensions=tuple(entry.get("extensions", ())),
                operations=tuple(entry.get("operations", ("format",))),
                license=entry.get("license", "unknown"),
                glue=entry.get("glue"),
                glue_sha256=entry.get("glue_sha256"),
                language_extensions=dict(entry.get("language_extensions", {})),
            )
        except KeyError as exc:
            raise BoosterError(f"module lock {path}: entry {name!r} lacks {exc.args[0]!r}") from None
    return specs


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class ModuleRegistry:
    def __init__(self, wasm_dir: Path, lock_path: Path | None = None) -> None:
        self.wasm_dir = wasm_dir
        self.lock_path = lock_path or default_lock_path()
        self.specs = parse_lock(self.lock_path)
        user_lock = wasm_dir / LOCK_NAME
        if user_lock.is_file() and user_lock.resolve() != self.lock_path.resolve():
            # The user's own entries come first: they win for the languages they name.
            self.specs = {**parse_lock(user_lock), **self.specs}

    # ------------------------------------------------------------------ our syntax module
    def syntax_sha256(self) -> str:
        try:
            data = tomllib.loads(syntax_lock_path().read_text(encoding="utf-8"))
            return str(data["output"]["sha256"]).lower()
        except (OSError, KeyError, tomllib.TOMLDecodeError) as exc:
            raise WASMModuleNotFound(SYNTAX_MODULE, f"has no pinned sha256 ({exc})", "git checkout wasm/syntax-sources.lock") from None

    def syntax_path(self) -> Path:
        return self.wasm_dir / f"{SYNTAX_MODULE}.wasm"

    def syntax_status(self) -> tuple[str, str]:
        path = self.syntax_path()
        if not path.is_file():
            return "missing", ""
        actual = sha256_of(path.read_bytes())
        return ("ok", "") if actual == self.syntax_sha256() else ("mismatch", f"sha256 {actual} is not the pinned build")

    def load_syntax_bytes(self) -> bytes:
        """Our tree-sitter module, verified against the pinned reproducible-build hash."""
        path = self.syntax_path()
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise WASMModuleNotFound(SYNTAX_MODULE, f"is not built in {self.wasm_dir}", "python wasm/build.py") from None
        if sha256_of(data) != self.syntax_sha256():
            raise WASMModuleNotFound(SYNTAX_MODULE, f"at {path} is not the pinned build", "python wasm/build.py --force")
        return data

    def for_language(self, language: str, operation: str = "format") -> ModuleSpec | None:
        for spec in self.specs.values():
            if language in spec.languages and operation in spec.operations:
                return spec
        return None

    def wasm_path(self, spec: ModuleSpec) -> Path:
        return self.wasm_dir / f"{spec.name}.wasm"

    def glue_path(self, spec: ModuleSpec) -> Path | None:
        return self.wasm_dir / f"{spec.name}.js" if spec.glue else None

    def required_glue(self, spec: ModuleSpec) -> Path:
        """The JS glue file of a module whose ABI cannot work without it."""
        glue = self.glue_path(spec)
        if glue is None or not glue.is_file():
            raise TransformationError(f"module {spec.name} lacks its JS glue file", module=spec.name)
        return glue

    def status(self, spec: ModuleSpec) -> ModuleStatus:
        path = self.wasm_path(spec)
        if not path.is_file():
            return ModuleStatus(spec, "missing", path)
        actual = sha256_of(path.read_bytes())
        if actual != spec.sha256:
            return ModuleStatus(spec, "mismatch", path, f"sha256 {actual} != pinned {spec.sha256}")
        glue = self.glue_path(spec)
        if glue is not None:
            if not glue.is_file():
                return ModuleStatus(spec, "missing", glue)
            if spec.glue_sha256 and sha256_of(glue.read_bytes()) != spec.glue_sha256:
                return ModuleStatus(spec, "mismatch", glue, "glue file sha256 differs from the lock")
        return ModuleStatus(spec, "ok", path)

    def load_bytes(self, spec: ModuleSpec) -> bytes:
        """The module's bytes, verified against the lock on every load."""
        path = self.wasm_path(spec)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise WASMModuleNotFound(spec.name, f"is not installed in {self.wasm_dir}") from None
        if sha256_of(data) != spec.sha256:
            raise WASMModuleNotFound(
                spec.name, f"at {path} does not match its pinned sha256 (corrupt or replaced)", "booster modules install --force"
            )
        return data

    # ------------------------------------------------------------------ installation
    def install(self, spec: ModuleSpec, *, force: bool = False, npm: str = "npm") -> str:
        """Fetch with `npm pack` (the user's npm configuration applies), verify, install."""
        if not force and self.status(spec).state == "ok":
            return "already installed"
        npm_path = shutil.which(npm)
        if npm_path is None:
            raise WASMModuleNotFound(spec.name, "cannot be fetched: npm is not on PATH", "install Node.js and npm")
        with tempfile.TemporaryDirectory(prefix="booster-npm-") as tmp:
            result = subprocess.run(
                [npm_path, "pack", f"{spec.package}@{spec.version}", "--pack-destination", tmp, "--silent"],
                capture_output=True,
                text=True,
                cwd=tmp,
                timeout=300,
            )
            if result.returncode != 0:
                raise WASMModuleNotFound(
                    spec.name, f"could not be fetched by npm: {result.stderr.strip()[:500]}", "check your npm configuration"
                )
            tarballs = list(Path(tmp).glob("*.tgz"))
            if not tarballs:
                raise WASMModuleNotFound(spec.name, "npm pack produced no tarball")
            import tarfile  # only to install a module

            with tarfile.open(tarballs[0], "r:gz") as archive:
                wasm = _extract(archive, spec.file, spec.name)
                glue = _extract(archive, spec.glue, spec.name) if spec.glue else None
        if sha256_of(wasm) != spec.sha256:
            raise WASMModuleNotFound(
                spec.name, f"fetched from npm has sha256 {sha256_of(wasm)}, not the pinned {spec.sha256}; refusing it"
            )
        if glue is not None and spec.glue_sha256 and sha256_of(glue) != spec.glue_sha256:
            raise WASMModuleNotFound(spec.name, "glue file fetched from npm does not match its pinned sha256")
        self.wasm_dir.mkdir(parents=True, exist_ok=True)
        _atomic_write(self.wasm_path(spec), wasm)
        if glue is not None:
            glue_path = self.glue_path(spec)
            assert glue_path is not None
            _atomic_write(glue_path, glue)
        return "installed"


def _extract(archive: tarfile.TarFile, member: str, name: str) -> bytes:
    try:
        handle = archive.extractfile(member)
    except KeyError:
        handle = None
    if handle is None:
        raise WASMModuleNotFound(name, f"tarball has no {member}")
    with handle:
        return io.BytesIO(handle.read()).getvalue()


def _atomic_write(path: Path, data: bytes) -> None:
    replace_file(path, data, mode=0o644)
