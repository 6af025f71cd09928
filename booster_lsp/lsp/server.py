"""booster-lsp: the language server (pygls 2 + lsprotocol), a thin layer over WASMBooster.

``ROUTES`` is the one routing table: LSP method -> handler (+ advertised options).
Handlers live in ``lsp/handlers``; shared machinery in ``document_store``,
``format_engine``, ``diagnostics``, ``speculative`` and ``settings``.
"""

from __future__ import annotations

from booster_lsp._importing import imports_without_gc

# every import of the server without the cyclic collector (booster_lsp/_importing.py)
with imports_without_gc():
    import asyncio
    import functools
    import inspect
    import json
    import logging
    import sys
    import threading
    import time
    from contextvars import ContextVar
    from concurrent.futures import Future, ThreadPoolExecutor
    from dataclasses import dataclass
    from pathlib import Path
    from typing import Any, BinaryIO, Callable, TypeVar

    from booster_lsp.lsp.startup import cache_cattrs_code, configure_for_server, converter_factory, import_lsprotocol_types

    import_lsprotocol_types()  # before anything imports lsprotocol: attrs' code from the cache
    from lsprotocol import types
    from cattrs import ClassValidationError, transform_error
    from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
    from pygls.io_ import run_async
    from pygls.lsp.server import LanguageServer
    from pygls.protocol import LanguageServerProtocol, lsp_method
    from pygls.protocol.json_rpc import RPCRequest
    from pygls.uris import to_fs_path

    from booster_lsp import __version__
    from booster_lsp.config import BoosterConfig
    from booster_lsp.core.booster import WASMBooster
    from booster_lsp.lsp import capabilities
    from booster_lsp.lsp.capabilities import ClientFeatures
    from booster_lsp.lsp import code_actions
    from booster_lsp.lsp.actions.lint import LintActions
    from booster_lsp.lsp.actions.refactor import RefactorActions
    from booster_lsp.lsp.arguments import build_parser
    from booster_lsp.lsp.diagnostics import DiagnosticsEngine, FormatErrorSource, LintSource, SyntaxModuleSource
    from booster_lsp.lsp.document_store import DocumentSnapshot, DocumentStore, json_content_changes
    from booster_lsp.lsp.format_engine import FormatOutcome, JsonResult, format_snapshot
    from booster_lsp.lsp import initialize_cache
    from booster_lsp.lsp.prelude import REPLAYED_ID_PREFIX, Handover
    from booster_lsp.lsp.handlers import commands, diagnostics, documents, formatting, hover, llm_actions, settings
    from booster_lsp.lsp.log_forwarding import ClientLogHandler, configure_logging, set_level
    from booster_lsp.lsp.settings import SettingsManager
    from booster_lsp.lsp.speculative import SpeculativeFormatter
    from booster_lsp.lsp.transport import LockedWriter, ThreadedStdinReader, frame

log = logging.getLogger(__name__)
T = TypeVar("T")
WORKERS = 2  # module calls run here, never on the event loop


@dataclass(frozen=True)
class Route:
    method: str
    handler: Callable[..., Any]
    options: Any = None


async def prepare_rename(ls: BoosterLanguageServer, params: types.PrepareRenameParams) -> Any:
    from booster_lsp.lsp.handlers import rename  # see rename_handler

    return await rename.prepare_rename(ls, params)


async def rename_handler(ls: BoosterLanguageServer, params: types.RenameParams) -> Any:
    # imported on first use: the refactoring modules behind rename take ~25 ms to import,
    # a sixteenth of the start-up budget, and no editor renames before its first save
    from booster_lsp.lsp.handlers import rename

    return await rename.rename(ls, params)


#: code action providers, in the order their actions are listed (lsp/code_actions.py)
for _provider in (LintActions(), RefactorActions(), llm_actions.LLMActions()):
    code_actions.register(_provider)

ROUTES: tuple[Route, ...] = (
    Route(types.INITIALIZED, settings.initialized),
    Route(types.SHUTDOWN, documents.shutdown),
    Route(types.WORKSPACE_DID_CHANGE_CONFIGURATION, settings.did_change_configuration),
    Route(types.TEXT_DOCUMENT_DID_OPEN, documents.did_open),
    Route(types.TEXT_DOCUMENT_DID_CHANGE, documents.did_change),
    Route(types.TEXT_DOCUMENT_DID_CLOSE, documents.did_close),
    Route(types.TEXT_DOCUMENT_DID_SAVE, documents.did_save, types.SaveOptions(include_text=False)),
    Route(types.WORKSPACE_DID_CHANGE_WATCHED_FILES, documents.did_change_watched_files),
    Route(types.TEXT_DOCUMENT_FORMATTING, formatting.formatting, capabilities.FORMATTING_OPTIONS),
    Route(types.TEXT_DOCUMENT_RANGE_FORMATTING, formatting.range_formatting, capabilities.RANGE_FORMATTING_OPTIONS),
    Route(types.TEXT_DOCUMENT_RANGES_FORMATTING, formatting.ranges_formatting),  # advertised by the options above
    Route(types.TEXT_DOCUMENT_DIAGNOSTIC, diagnostics.document_diagnostic, capabilities.DIAGNOSTIC_OPTIONS),
    Route(types.TEXT_DOCUMENT_CODE_ACTION, code_actions.code_actions, code_actions.options()),
    Route(types.CODE_ACTION_RESOLVE, code_actions.resolve),
    Route(types.TEXT_DOCUMENT_PREPARE_RENAME, prepare_rename),
    Route(types.TEXT_DOCUMENT_RENAME, rename_handler, capabilities.RENAME_OPTIONS),
    Route(types.TEXT_DOCUMENT_HOVER, hover.hover, capabilities.HOVER_OPTIONS),
)

COMMANDS: dict[str, Callable[..., Any]] = {
    "booster.stats": commands.stats,
    "booster.clearCache": commands.clear_cache,
    "booster.formatDocument": commands.format_document,
    llm_actions.COMMAND: llm_actions.refactor_command,
    code_actions.APPLY_COMMAND: code_actions.apply_command,
}


#: The snapshot of the request's document when the request arrived (set per request task).
ARRIVAL_SNAPSHOT: ContextVar[DocumentSnapshot | None] = ContextVar("arrival_snapshot", default=None)


class AnsweredInvalidRequest(JsonRpcInvalidParams):
    """A request whose params did not fit their type, already answered with an error."""


class BoosterProtocol(LanguageServerProtocol):
    """pygls' protocol with five changes: the position encoding is negotiated by
    text/positions (UTF-8 if offered, else UTF-16); open documents live in our
    DocumentStore rather than in pygls' workspace; a request sees its document as it
    was when the request arrived, even if a later didChange is handled before the
    handler's first step runs; finished notifications are forgotten; and a request whose
    params do not fit their type is answered with an error (see below)."""

    _server: BoosterLanguageServer

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: formatting requests the stdin reader thread took past pygls, formatted by it or by a
        #: worker (BoosterLanguageServer._format_directly): id -> its work. Whoever pops an id
        #: answers that request: the formatting thread when done, or a $/cancelRequest before.
        self.direct_requests: dict[Any, Future[FormatOutcome]] = {}
        #: the client's capabilities as it sent them in initialize (the initialize cache's key)
        self.initialize_capabilities: Any = None

    def _handle_cancel_notification(self, msg_id):
        future = self.direct_requests.pop(msg_id, None)
        if future is None:
            super()._handle_cancel_notification(msg_id)
            return
        future.cancel()  # stops it if still queued; a running module call finishes, unanswered
        self.send_error_json(msg_id, -32800, f'Request with id "{msg_id}" is canceled')

    def structure_message(self, data):
        if data.get("method") == types.INITIALIZE:
            params = data.get("params")
            self.initialize_capabilities = params.get("capabilities") if isinstance(params, dict) else None
        # pygls turns a request whose params do not fit their type (a negative line, a missing
        # field) into an exception and shows "Error in server: Invalid Params", but never
        # answers the request: the client waits for ever. It gets its error response here.
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            if "id" not in data or "method" not in data or not isinstance(error.__cause__, ClassValidationError):
                raise
            problems = "; ".join(transform_error(error.__cause__)) or str(error.__cause__)
            self.send_error_json(data["id"], JsonRpcInvalidParams.CODE, f"invalid params for {data['method']}: {problems}")
            raise AnsweredInvalidRequest() from error

    def handle_message(self, message):
        # pygls drops every message after shutdown but exit, requests too: their clients
        # would wait for ever. LSP: "requests should error with InvalidRequest".
        if self._shutdown and isinstance(message, RPCRequest) and message.method != types.EXIT:
            self.send_error_json(message.id, -32600, f"{message.method}: the server is shutting down (shutdown was requested)")
            return
        super().handle_message(message)

    def _check_handler_result(self, future):
        # pygls 2.1 files the future of a notification whose built-in handler is a generator
        # (didOpen, didChange, didClose, ...) under a fresh uuid in _request_futures and never
        # removes it: a Future, its Condition and RLock per keystroke (~2 KB), forever.
        super()._check_handler_result(future)
        for msg_id, pending in list(self._request_futures.items()):
            if pending is future:
                del self._request_futures[msg_id]
                break

    def _handle_request(self, msg_id, method_name, params):
        document = getattr(params, "text_document", None)
        if method_name == types.TEXT_DOCUMENT_FORMATTING and document is not None:
            # format-on-save after an idle pause: answered at once, no task
            if self._server.answer_from_speculative(msg_id, document.uri, time.perf_counter()):
                return
        snapshot = self._server.documents.get(document.uri) if document is not None else None
        token = ARRIVAL_SNAPSHOT.set(snapshot)  # copied into the handler's task context
        try:
            super()._handle_request(msg_id, method_name, params)
        finally:
            ARRIVAL_SNAPSHOT.reset(token)

    def _send_handler_result(self, future, *, msg_id):
        if not future.cancelled() and future.exception() is None and isinstance(future.result(), JsonResult):
            self._request_futures.pop(msg_id, None)
            self.send_result_json(msg_id, future.result())
            return
        super()._send_handler_result(future, msg_id=msg_id)

    def send_result_json(self, msg_id, result_json: str) -> None:
        """A response whose ``result`` is already serialized (speculative formatting's edits):
        no attrs objects, no cattrs, no json.dumps of the edits on the request path."""
        json_id = str(msg_id).encode() if type(msg_id) is int else json.dumps(msg_id).encode()
        self._write_body(b'{"jsonrpc": "2.0", "id": %b, "result": %b}' % (json_id, result_json.encode()))

    @property
    def tracing(self) -> bool:
        """Does the client trace the server (``$/setTrace``, or initialize's ``trace``)?"""
        return self.trace not in (None, types.TraceValue.Off)

    def log_trace(self, message: str, verbose: str) -> None:
        """``$/logTrace`` when the client traces the server: ``verbose`` only when it asked
        for verbose traces. From any thread."""
        if not self.tracing:
            return
        params = {"message": message} | ({"verbose": verbose} if self.trace == types.TraceValue.Verbose else {})
        self._write_body(json.dumps({"jsonrpc": "2.0", "method": "$/logTrace", "params": params}).encode())

    def send_error_json(self, msg_id, code: int, message: str) -> None:
        self._write_body(json.dumps({"jsonrpc": "2.0", "id": msg_id, "error": {"code": code, "message": message}}).encode())

    def _write_body(self, body: bytes) -> None:
        writer = self.writer
        if isinstance(writer, LockedWriter):  # stdio: header and body in one writev, no copy
            writer.write_message(body)
            return
        written = writer.write(frame(body))
        if inspect.isawaitable(written):  # the TCP and WebSocket writers
            asyncio.ensure_future(written)

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(self, params: types.InitializeParams):
        self._server.initialize(params)
        self.trace = params.trace or types.TraceValue.Off
        result = yield from super().lsp_initialize(params)
        result.capabilities.position_encoding = self._server.features.position_encoding.value
        self._server.keep_initialize_result(self.initialize_capabilities, self._converter.unstructure(result))
        return result

    def _send_response(self, msg_id, result=None, error=None):
        if isinstance(msg_id, str) and msg_id.startswith(REPLAYED_ID_PREFIX):  # answered by the prelude
            self._result_types.pop(msg_id, None)
            if error is not None:
                log.error("%s, replayed, failed: %s", msg_id.removeprefix(REPLAYED_ID_PREFIX), error)
            return
        super()._send_response(msg_id, result, error)

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams):
        yield self.fm.features[types.TEXT_DOCUMENT_DID_OPEN], (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams):
        yield self.fm.features[types.TEXT_DOCUMENT_DID_CHANGE], (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams):
        yield self.fm.features[types.TEXT_DOCUMENT_DID_CLOSE], (params,), None


class BoosterLanguageServer(LanguageServer):
    def __init__(self, booster: WASMBooster | None = None, *, log_level: str | None = None) -> None:
        super().__init__("booster-lsp", __version__, protocol_cls=BoosterProtocol, converter_factory=converter_factory)
        self.booster = configure_for_server(booster or WASMBooster(BoosterConfig(), stats_path=True))
        self.features = ClientFeatures()
        self.documents = DocumentStore()
        self.executor = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="booster-worker")
        self.settings = SettingsManager(self)
        self.speculative = SpeculativeFormatter(self)
        self.syntax_source = SyntaxModuleSource(self.booster)  # also the open documents' trees for code actions
        self.lint = LintSource(self.booster)
        self.diagnostics = DiagnosticsEngine(
            self, [self.syntax_source, FormatErrorSource(self.booster, skip=self.syntax_source), self.lint]
        )
        self.fixed_log_level = log_level  # --log-level wins over settings
        self.handover: Handover | None = None  # what the prelude answered (start_io)
        self.exit_code = 0  # the process's, after `exit` (start_io)
        self.stdin_reader: ThreadedStdinReader | None = None  # over stdio (start_io): its fast lane
        self.log_handler = ClientLogHandler(self)
        logging.getLogger("booster_lsp").addHandler(self.log_handler)
        for route in ROUTES:
            self.feature(route.method, route.options)(route.handler)
        for name, handler in COMMANDS.items():
            self.command(name)(handler)

    # ------------------------------------------------------------------ lifecycle
    def initialize(self, params: types.InitializeParams) -> None:
        """Resolve client capabilities and settings once (called before capabilities are sent)."""
        self.log_handler.attach(asyncio.get_running_loop())
        self.features = ClientFeatures.resolve(params.capabilities)
        root = to_fs_path(params.root_uri) if params.root_uri else params.root_path
        self.settings.load_base(Path(root) if root else None)
        self.settings.apply(params.initialization_options, "initializationOptions")
        languages = [language for language in ("python",) if self.booster.registry.for_language(language, "format")]
        self.executor.submit(self._warm_up, languages)

    def keep_initialize_result(self, capabilities: Any, result: Any) -> None:
        """Keep the initialize result for the next start's prelude (in a worker: the key, unless
        the prelude has computed it, walks the installed code); on a start the prelude
        answered, check its answer."""
        handover = self.handover or Handover()
        self.executor.submit(initialize_cache.remember, capabilities, json.dumps(result), handover.initialize_result,
                             handover.initialize_key)

    def _warm_up(self, languages: list[str]) -> None:
        try:
            self.booster.warm_up(languages)
        except Exception as error:  # noqa: BLE001 - reported when a request needs the module
            log.warning("warm-up failed: %s", error)

    def start_io(
        self, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None, handover: Handover | None = None
    ) -> None:
        """stdio with a whole-message reader thread (see lsp/transport.py); after a prelude
        (lsp/prelude.py), reading first what it hands over."""
        self.handover = handover
        self._stop_event = threading.Event()
        self.protocol.set_writer(LockedWriter(stdout or sys.stdout.buffer))

        async def serve() -> None:
            self.event_loop = asyncio.get_running_loop()  # for the fast lane's hand-backs
            unread = handover.unread if handover is not None else b""
            self.stdin_reader = ThreadedStdinReader(stdin or sys.stdin.buffer, self.event_loop, self._fast_lane, unread)
            self.stdin_reader.start()  # after the assignment: the fast lane defers work to it
            try:
                await run_async(self._stop_event, self.stdin_reader, self.protocol, log, self.report_server_error)
            finally:
                self.stdin_reader.stop_inline()

        try:
            asyncio.run(serve())
        except BrokenPipeError:
            log.error("connection to the client lost; shutting down")
        except KeyboardInterrupt:
            pass
        except SystemExit as stop:  # pygls' exit handler: 0 after shutdown, else 1 (LSP)
            self.exit_code = stop.code if isinstance(stop.code, int) else 0
        finally:
            self.shutdown()

    def _fast_lane(self, body: bytes) -> bool:
        """Answer a request in the stdin reader thread when that needs no work: formatting of
        a document whose speculative result is ready (lsp/transport.py says why). Called
        only when the event loop has handled every earlier message, so the documents and
        settings it checks are those the loop would see. Anything else: False, and the
        message takes the normal path."""
        if self.protocol._shutdown:
            return False
        if b'"textDocument/didChange"' in body:
            return self._change_directly(body)
        if b'"textDocument/formatting"' not in body or len(body) > 4096:
            return False
        started = time.perf_counter()
        try:
            message = json.loads(body)
            if message.get("method") != types.TEXT_DOCUMENT_FORMATTING or "id" not in message:
                return False
            uri = message["params"]["textDocument"]["uri"]
            if self.answer_from_speculative(message["id"], uri, started):
                return True
            return self._format_directly(message["id"], uri, started)
        except Exception:  # noqa: BLE001 - a malformed message: pygls reports it on the normal path
            return False

    def answer_from_speculative(self, msg_id: Any, uri: str, started: float) -> bool:
        """Answer a formatting request with the finished speculative format of its document's
        current revision (its edits serialized already), from whichever thread reads it;
        False when there is none. ``started``: the request's arrival, for its trace."""
        ready = self.speculative.ready(uri)
        if ready is None:
            return False
        self.protocol.send_result_json(msg_id, ready.result_json)
        formatting.trace(self, ready.snapshot, started, ready.result_json, 0.0, formatting.SPECULATIVE)
        return True

    def _change_directly(self, body: bytes) -> bool:
        """didChange applied by the reader thread: JSON to the document store, without pygls
        and lsprotocol objects, and without waiting for the event loop, which later only
        schedules what follows a change (handlers.documents.changed, deferred: see
        transport.ThreadedStdinReader.defer). A formatting request
        right behind it (format-on-save) no longer waits for the loop's turn (~0.1-0.25 ms
        here), and each keystroke costs less. Anything unexpected (a malformed change, a
        document that is not open): False, and the normal path handles and reports it."""
        try:
            message = json.loads(body)
            if message.get("method") != types.TEXT_DOCUMENT_DID_CHANGE or "id" in message:
                return False
            params = message["params"]
            document = params["textDocument"]
            uri, version = document["uri"], document.get("version")
            if type(uri) is not str or (version is not None and type(version) is not int):
                return False
            changes = json_content_changes(params["contentChanges"])
            snapshot = self.documents.change(uri, version, changes, self.features.position_encoding)
        except Exception:  # noqa: BLE001 - nothing was applied; the normal path reports it
            return False
        if snapshot is None:
            return False
        log.debug("didChange %s v%s: applied by the reader thread", snapshot.uri, snapshot.version)
        # what follows a change (timers of 200-300 ms) waits until the request that usually
        # comes right behind it has been answered (lsp/transport.py: deferred work)
        self.stdin_reader.defer(snapshot.uri, functools.partial(documents.changed, self, snapshot))  # type: ignore[union-attr]
        return True

    def _format_directly(self, msg_id: Any, uri: str, started: float) -> bool:
        """A formatting request speculative formatting cannot answer is formatted by the
        reader thread itself (ThreadedStdinReader.work_inline: a parked thread reads on if it
        takes long) or, when another one is being formatted so, handed by it to a worker; that
        thread writes the response: no event-loop wake-ups, no pygls dispatch, no attrs
        objects for the params (~0.25 ms of a cache miss). Not when a speculative run of this
        revision is in flight: the normal path joins it. Failures (a message for the user) and
        stale results are answered on the event loop, as on the normal path."""
        snapshot = self.documents.get(uri)
        if snapshot is None or self.speculative.in_flight(snapshot):
            return False
        future: Future[FormatOutcome] = Future()
        self.protocol.direct_requests[msg_id] = future

        def inline() -> None:
            log.debug("formatting %s v%s: by the reader thread", uri, snapshot.version)
            self._format_into(future, snapshot)

        how = "formatted by the reader thread"
        if not self.stdin_reader.work_inline(inline):  # type: ignore[union-attr]
            log.debug("formatting %s v%s: handed to a worker by the reader thread", uri, snapshot.version)
            self.executor.submit(self._format_into, future, snapshot)
            how = "formatted by a worker"
        # answered by the thread that formatted it (here, when done already)
        future.add_done_callback(lambda done: self._answer_directly(msg_id, snapshot, done, started, how))
        return True

    def _format_into(self, future: Future[FormatOutcome], snapshot: DocumentSnapshot) -> None:
        if not future.set_running_or_notify_cancel():
            return  # cancelled while queued: answered already
        try:
            future.set_result(format_snapshot(self.booster, snapshot, self.features.position_encoding))
        except Exception as error:  # noqa: BLE001 - answered by _answer_directly
            future.set_exception(error)

    def _answer_directly(self, msg_id: Any, snapshot: DocumentSnapshot, future: Future[FormatOutcome], started: float,
                         how: str) -> None:
        if self.protocol.direct_requests.pop(msg_id, None) is None:
            return  # cancelled: answered already
        try:
            outcome = future.result()
        except Exception as error:  # noqa: BLE001 - format_snapshot does not raise for bad input
            log.exception("formatting %s failed", snapshot.uri)
            self.protocol.send_error_json(msg_id, -32603, f"formatting failed: {error}")
            return
        if outcome.ok and self.documents.is_current(snapshot):
            self.protocol.send_result_json(msg_id, outcome.result_json)
            formatting.trace(self, snapshot, started, outcome.result_json, outcome.module_ms, how)
            return
        self.event_loop.call_soon_threadsafe(self._answer_on_loop, msg_id, snapshot, outcome, started, how)

    def _answer_on_loop(self, msg_id: Any, snapshot: DocumentSnapshot, outcome: FormatOutcome, started: float,
                        how: str) -> None:
        result = formatting.answer(self, snapshot, outcome)  # shows why it could not format
        # notices (a module just quarantined) before the answer, after that message: a client
        # looking at its messages once the answer is in sees them all, in that order
        self._show_notices()
        self.protocol.send_result_json(msg_id, result)
        formatting.trace(self, snapshot, started, result, outcome.module_ms, how)

    # ------------------------------------------------------------------ services for handlers
    def request_snapshot(self, uri: str) -> DocumentSnapshot | None:
        """The document as it was when the current request arrived."""
        snapshot = ARRIVAL_SNAPSHOT.get()
        if snapshot is not None and snapshot.uri == uri:
            return snapshot
        return self.documents.get(uri)

    async def run_in_worker(self, function: Callable[..., T], *args: Any) -> T:
        """Run blocking work off the event loop. Cancelling the awaiting request cancels
        queued work; a module call already running finishes and its result is dropped.
        Afterwards, notices of the core (a module put in quarantine) are shown, once each,
        whichever feature's work caused them, after the feature's own message."""
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self.executor, function, *args)
        finally:
            loop.call_soon(self._show_notices)

    def _show_notices(self) -> None:
        for notice in self.booster.take_notices():
            self.show_message(notice, types.MessageType.Warning)

    def log_to_client(self, message_type: int, message: str) -> None:
        self.window_log_message(types.LogMessageParams(type=types.MessageType(message_type), message=message))

    def show_message(self, message: str, message_type: types.MessageType) -> None:
        self.window_show_message(types.ShowMessageParams(type=message_type, message=message))

    def refresh_documents(self, reason: str) -> None:
        """Settings or a project's configuration changed: what was computed for the open
        documents no longer holds. Speculative results are dropped and recomputed after the
        usual pause, diagnostics are recomputed and pushed, or, for a client that pulls them,
        cleared and the client asked to pull again (``workspace/diagnostic/refresh``)."""
        self.speculative.clear()
        self.diagnostics.invalidate()
        snapshots = list(self.documents)
        if not snapshots:  # e.g. the client's settings at initialize
            return
        log.info("%s: the open documents' diagnostics and pre-formatting are recomputed", reason)
        if self.features.pull_diagnostics:
            if self.features.diagnostic_refresh:
                self.protocol.send_request(types.WORKSPACE_DIAGNOSTIC_REFRESH, None)
        for snapshot in snapshots:
            self.diagnostics.schedule(snapshot, self.booster.config.diagnostics_debounce_ms)
            self.speculative.schedule(snapshot)

    def report_server_error(self, error: Exception, source: Any) -> None:
        if isinstance(error, AnsweredInvalidRequest):
            return  # the client has its error response: a pop-up would say it twice
        super().report_server_error(error, source)

    def set_log_level(self, level: str) -> None:
        set_level(self.fixed_log_level or level)


def main(argv: list[str] | None = None, booster: WASMBooster | None = None, handover: Handover | None = None) -> int:
    args = build_parser().parse_args(argv)  # exits on --help, --version and bad arguments
    configure_logging(args.log_level or "info")  # again: a no-op after serve's, here for callers without it
    cache_cattrs_code()
    server = BoosterLanguageServer(booster, log_level=args.log_level)
    if args.tcp:
        server.start_tcp(args.host, args.port)
    else:
        server.start_io(handover=handover)
    return server.exit_code


if __name__ == "__main__":
    sys.exit(main())
