"""The generator behind a LangChain chat model, chosen by settings.

- `local` (default): the Qwen2.5 GGUF through llama-cpp-python, in-process, on the CPU;
- `openai`: any OpenAI-compatible endpoint (a bigger model on a server);
- `extractive`: no LLM at all.
"""

from collections.abc import Iterator
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import PrivateAttr

from core.settings import Settings

_ROLES = {"system": "system", "human": "user", "ai": "assistant"}


def chat_messages(messages: list[BaseMessage]) -> list[dict]:
    """LangChain messages as llama.cpp's chat messages, in order and unchanged.

    Nothing may come before the system prompt or vary inside it: llama-cpp-python (0.3.36,
    `Llama.generate`) keeps the KV cache of the previous prompt and evaluates only the tokens after the
    longest common prefix, so consecutive questions in one language skip the ~100 system-prompt tokens.
    tests/test_prompt_prefix.py checks this on the model's own chat template.
    """
    return [{"role": _ROLES.get(m.type, "user"), "content": m.content} for m in messages]


class LlamaCppChat(BaseChatModel):
    """A GGUF model run by llama.cpp; loaded on first use."""

    model_path: str
    n_threads: int = 2
    n_ctx: int = 2048
    max_tokens: int = 160
    temperature: float = 0.0
    _llama: Any = PrivateAttr(default=None)
    _formatter: Any = PrivateAttr(default=None)

    @property
    def _llm_type(self) -> str:
        return "llama-cpp"

    def load(self) -> None:
        if self._llama is None:
            from llama_cpp import Llama

            self._llama = Llama(model_path=self.model_path, n_ctx=self.n_ctx, n_threads=self.n_threads, verbose=False)

    def choice_probabilities(self, messages: list[BaseMessage], choices: list[str]) -> list[float]:
        """How likely the reply to `messages` starts with each of `choices` (one word each, in any case, with or
        without a leading space), relative to one another. One evaluation of the prompt, no generation; llama.cpp
        keeps it in its KV cache, so a reply to a prompt that shares its beginning evaluates only the rest."""
        import llama_cpp
        import numpy as np
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        self.load()
        llama = self._llama
        if self._formatter is None:  # the GGUF's chat template, rendered as create_chat_completion renders it
            text = llama._model.token_get_text
            self._formatter = Jinja2ChatFormatter(
                template=llama.metadata["tokenizer.chat_template"], eos_token=text(llama.token_eos()),
                bos_token=text(llama.token_bos()) if llama.token_bos() != -1 else "", stop_token_ids=[llama.token_eos()],
            )
        prompt = self._formatter(messages=chat_messages(messages))
        tokens = llama.tokenize(prompt.prompt.encode("utf-8"), add_bos=not prompt.added_special, special=True)
        kept = llama.longest_token_prefix(llama.input_ids[: llama.n_tokens].tolist(), tokens[:-1])
        llama.n_tokens = kept
        llama.eval(tokens[kept:])
        logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(llama.ctx, -1), shape=(llama.n_vocab(),))
        weights = np.exp(logits - logits.max())

        def first_tokens(word: str) -> list[int]:
            forms = {prefix + form for form in (word.lower(), word.capitalize(), word.upper()) for prefix in ("", " ")}
            return sorted({llama.tokenize(form.encode("utf-8"), add_bos=False)[0] for form in forms})

        mass = [float(weights[first_tokens(choice)].sum()) for choice in choices]
        return [m / sum(mass) for m in mass]

    def _completion(self, messages: list[BaseMessage], stop: list[str] | None, stream: bool, max_tokens: int | None = None):
        self.load()
        return self._llama.create_chat_completion(
            messages=chat_messages(messages),
            temperature=self.temperature, max_tokens=max_tokens or self.max_tokens, stop=stop, stream=stream,
        )

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager=None, **kwargs) -> ChatResult:
        text = self._completion(messages, stop, stream=False, max_tokens=kwargs.get("max_tokens"))["choices"][0]["message"]["content"] or ""
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager=None, **kwargs) -> Iterator[ChatGenerationChunk]:
        for part in self._completion(messages, stop, stream=True, max_tokens=kwargs.get("max_tokens")):
            piece = part["choices"][0]["delta"].get("content")
            if piece:
                if run_manager:
                    run_manager.on_llm_new_token(piece)
                yield ChatGenerationChunk(message=AIMessageChunk(content=piece))


def make_chat_model(settings: Settings, log=print) -> BaseChatModel | None:
    """The configured chat model (None for `extractive`). Loading a local model happens here, so a
    missing or broken file surfaces as an exception the caller can turn into a fallback."""
    if settings.llm_backend == "extractive":
        return None
    if settings.llm_backend == "openai":
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(
            base_url=settings.openai_base_url, model=settings.openai_model, api_key=settings.openai_api_key or "none",
            temperature=0, max_tokens=settings.llm_max_tokens, timeout=120,
        )
    from models.generator import provision_gguf

    path = settings.llm_path or provision_gguf(settings.resolved_models_dir, log=log)
    model = LlamaCppChat(model_path=str(path), n_threads=settings.llm_threads, max_tokens=settings.llm_max_tokens)
    model.load()
    return model
