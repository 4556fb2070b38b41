"""How a question (and a program) is shown to a model — in ONE place.

* ``solve_prompt``: what a policy or proxy model sees when asked to write a program. Sampling and
  filtering use it, so a proxy and a policy answer the same prompt.
* ``rm_prompt`` / ``rm_response`` / ``rm_messages``: how a (question, program) pair is shown to a
  reward model. Pair export writes exactly this; reward-model scoring reads exactly this, so
  training and inference inputs never drift apart (the official AceCoder code trains on one
  wrapper and documents another). Checkpoints record the template name.
"""

from __future__ import annotations

import difflib

from aceforge.errors import ConfigError
from aceforge.types import Message, Prompt

DEFAULT_RM_TEMPLATE = "acecoder-v1"
RM_TEMPLATES = ("acecoder-v1",)
# Where a base model's answer to the completion form of `solve_prompt` ends.
COMPLETION_STOPS = ('\n"""', "\n\n\n", "\nassert ", "\nif __name__", "\n# ")
# ... and of its stdin/stdout form: a whole program (blank lines, a main guard) ends only where
# the next question would start.
SCRIPT_STOPS = ('\n"""',)


def solve_prompt(question: str, example_test: str | None, chat: bool, script: bool = False) -> Prompt:
    """The question plus one test, so the function name and call shape are known; a stdin/stdout
    question (`script`) asks for a whole program instead (its examples are in its text)."""
    if script:
        return _script_prompt(question, chat)
    example = f"\nYour function must pass tests like:\n{example_test}\n" if example_test else ""
    if chat:
        body = (
            f"{question.strip()}\n{example}\nWrite the complete Python function (with any imports it needs) "
            "in one ```python code block."
        )
        return [{"role": "user", "content": body}]
    return (
        "# Python solutions to programming questions.\n\n"
        '"""Write a function `add(a, b)` that returns the sum of the integers a and b.\n'
        'Your function must pass tests like:\nassert add(2, 3) == 5\n"""\n'
        "def add(a, b):\n    return a + b\n\n\n"
        f'"""{question.strip()}{example}"""\n'
    )


def _script_prompt(question: str, chat: bool) -> Prompt:
    if chat:
        body = (
            f"{question.strip()}\n\nWrite a complete Python program that reads the input from standard "
            "input and prints the answer to standard output, in one ```python code block."
        )
        return [{"role": "user", "content": body}]
    return (
        "# Python programs for programming questions: each reads standard input and prints the answer.\n\n"
        '"""Read two integers a and b from one line of standard input and print their sum."""\n'
        "a, b = map(int, input().split())\nprint(a + b)\n\n\n"
        f'"""{question.strip()}"""\n'
    )


def check_template(name: str) -> str:
    if name not in RM_TEMPLATES:
        close = difflib.get_close_matches(name, RM_TEMPLATES, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ConfigError(f"unknown prompt template {name!r}{hint}; known: {', '.join(RM_TEMPLATES)}")
    return name


def rm_prompt(question: str, template: str = DEFAULT_RM_TEMPLATE) -> str:
    """The user turn a reward model sees: the question alone (no tests: RMs must not see them)."""
    check_template(template)
    return question.strip()


def rm_response(program: str, template: str = DEFAULT_RM_TEMPLATE) -> str:
    """The assistant turn: the program in a fenced Python block."""
    check_template(template)
    return f"```python\n{program.strip()}\n```"


def rm_messages(question: str, program: str, template: str = DEFAULT_RM_TEMPLATE) -> list[Message]:
    return [
        {"role": "user", "content": rm_prompt(question, template)},
        {"role": "assistant", "content": rm_response(program, template)},
    ]


def rm_text(question: str, program: str, template: str = DEFAULT_RM_TEMPLATE) -> str:
    """Plain-text form, for tokenizers without a chat template."""
    return render_text(rm_prompt(question, template), rm_response(program, template))


def render_text(prompt: str, response: str) -> str:
    return f"Question:\n{prompt}\n\nAnswer:\n{response}"


def render_for(tokenizer: object, prompt: str, response: str) -> str:
    """The exact text a reward model reads for (prompt, response): the tokenizer's chat template
    when it has one, else the plain-text form. Training and scoring both call this."""
    if getattr(tokenizer, "chat_template", None):
        msgs = [{"role": "user", "content": prompt}, {"role": "assistant", "content": response}]
        return str(tokenizer.apply_chat_template(msgs, tokenize=False))  # type: ignore[attr-defined]
    return render_text(prompt, response)
