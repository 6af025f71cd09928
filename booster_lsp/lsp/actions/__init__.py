"""Code action providers registered in ``lsp/code_actions.py`` (lint, refactorings; the LLM
actions live in ``handlers/llm_actions.py``)."""
