"""aceforge: turn ordinary code data into verifiable rewards for training coder LLMs."""

from aceforge.errors import AceforgeError, DataFormatError, IsolationUnavailableError
from aceforge.types import ExecResult, Job, Limits, StdioTest, TestOutcome

__all__ = [
    "AceforgeError",
    "DataFormatError",
    "ExecResult",
    "IsolationUnavailableError",
    "Job",
    "Limits",
    "StdioTest",
    "TestOutcome",
]
__version__ = "0.1.0"
