"""Benchmarks and evaluation data (HumanEval from CodeT's files, ...)."""
