"""The Anthropic Messages API client of the slow path (the official `anthropic` SDK).

The core calls transformations from worker threads, so this module offers a synchronous
entry, :meth:`LLMClient.complete_sync`, that runs the SDK's async client on a private event
loop (one daemon thread per client) and waits for the answer while watching a
``threading.Event``: setting the event cancels the request task, which closes the HTTP
request. Async callers use :meth:`LLMClient.complete` directly.

The API key is read from the environment variable named by ``llm.api_key_env`` when a
request is made; it is never logged, never put in a result or an error message.
Retries on 429/5xx (with the SDK's backoff, honouring ``retry-after``) are the SDK's,
``llm.max_retries`` of them.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import os
import threading
import time
from dataclasses import dataclass
from typing import Any

import anthropic

from booster_lsp.config import LLMSettings
from booster_lsp.errors import TransformationError

log = logging.getLogger(__name__)
# httpx2/anthropic log request lines (with headers at DEBUG): keep them out of our logs.
logging.getLogger("anthropic").setLevel(logging.WARNING)
logging.getLogger("httpx2").setLevel(logging.WARNING)


class LLMCancelled(TransformationError):
    """The caller cancelled the request (LSP $/cancelRequest, editor closed the action)."""

    def __init__(self) -> None:
        super().__init__("LLM request cancelled", kind="cancelled")


@dataclass(frozen=True)
class LLMAnswer:
    text: str
    model: str
    tokens_in: int
    tokens_out: int
    latency_ms: float
    stop_reason: str | None = None


def api_key(settings: LLMSettings, environ: dict[str, str] | None = None) -> str | None:
    value = (environ if environ is not None else os.environ).get(settings.api_key_env, "").strip()
    return value or None


class LLMClient:
    """One client per settings value; safe to call from many threads."""

    def __init__(self, settings: LLMSettings, key: str) -> None:
        self.settings = settings
        self._key = key
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._client: anthropic.AsyncAnthropic | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:  # never show the key
        return f"LLMClient(model={self.settings.model!r}, base_url={self.settings.base_url!r})"

    # ------------------------------------------------------------------ async API
    def _make_client(self) -> anthropic.AsyncAnthropic:
        return anthropic.AsyncAnthropic(
            api_key=self._key,
            base_url=self.settings.base_url,
            timeout=self.settings.timeout_s,
            max_retries=self.settings.max_retries,
            open_telemetry=False,
        )

    async def complete(self, system: str, prompt: str, *, client: anthropic.AsyncAnthropic | None = None) -> LLMAnswer:
        """One Messages API request; SDK errors become TransformationError(kind="llm")."""
        client = client or self._make_client()
        started = time.perf_counter()
        try:
            message = await client.messages.create(
                model=self.settings.model,
                max_tokens=self.settings.max_tokens,
                system=system,
                messages=[{"role": "user", "content": prompt}],
            )
        except anthropic.APITimeoutError:
            raise TransformationError(
                f"LLM request timed out after {self.settings.timeout_s:g} s (setting llm.timeout_s)", kind="llm"
            ) from None
        except anthropic.APIStatusError as error:
            raise TransformationError(_status_message(error, self.settings.max_retries), kind="llm") from None
        except anthropic.APIConnectionError as error:
            raise TransformationError(f"cannot reach the LLM endpoint: {_cause(error)}", kind="llm") from None
        except anthropic.AnthropicError as error:
            raise TransformationError(f"LLM request failed: {type(error).__name__}", kind="llm") from None
        latency = (time.perf_counter() - started) * 1000
        text = "".join(getattr(block, "text", "") for block in message.content if getattr(block, "type", "") == "text")
        usage = message.usage
        return LLMAnswer(
            text=text,
            model=message.model or self.settings.model,
            tokens_in=int(getattr(usage, "input_tokens", 0) or 0),
            tokens_out=int(getattr(usage, "output_tokens", 0) or 0),
            latency_ms=latency,
            stop_reason=message.stop_reason,
        )

    # ------------------------------------------------------------------ sync API (worker threads)
    def _ensure_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(target=loop.run_forever, name="booster-llm-loop", daemon=True)
                thread.start()
                self._loop, self._thread = loop, thread
                self._client = asyncio.run_coroutine_threadsafe(_build(self), loop).result()
            return self._loop

    def complete_sync(self, system: str, prompt: str, cancel: threading.Event | None = None) -> LLMAnswer:
        """Block until the answer arrives; raises LLMCancelled as soon as ``cancel`` is set."""
        if cancel is not None and cancel.is_set():
            raise LLMCancelled()
        loop = self._ensure_loop()
        future = asyncio.run_coroutine_threadsafe(self.complete(system, prompt, client=self._client), loop)
        while True:
            try:
                return future.result(timeout=0.05)
            except concurrent.futures.TimeoutError:
                if cancel is not None and cancel.is_set():
                    future.cancel()  # cancels the task on the loop: the HTTP request is closed
                    raise LLMCancelled() from None
            except concurrent.futures.CancelledError:
                raise LLMCancelled() from None

    def close(self) -> None:
        with self._lock:
            loop, client = self._loop, self._client
            self._loop = self._client = self._thread = None
        if loop is None:
            return
        if client is not None:
            try:
                asyncio.run_coroutine_threadsafe(client.close(), loop).result(timeout=2)
            except Exception:  # noqa: BLE001 - closing is best effort
                pass
        loop.call_soon_threadsafe(loop.stop)


async def _build(client: LLMClient) -> anthropic.AsyncAnthropic:
    """The async client is created on its loop (its HTTP pool belongs to that loop)."""
    return client._make_client()


def _status_message(error: anthropic.APIStatusError, retries: int) -> str:
    status = error.status_code
    detail = _error_detail(error.body)
    if status == 401 or status == 403:
        return f"LLM endpoint refused the API key ({status}){detail}"
    if status == 429:
        return f"LLM rate limit (429) still hit after {retries} retries{detail}"
    if status >= 500:
        return f"LLM server error {status} after {retries} retries{detail}"
    return f"LLM request rejected ({status}){detail}"


def _error_detail(body: Any) -> str:
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            return f": {inner['message'][:200]}"
    return ""


def _cause(error: BaseException) -> str:
    cause = error.__cause__ or error.__context__
    return f"{type(cause).__name__}: {cause}" if cause else str(error)
