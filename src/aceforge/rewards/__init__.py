"""One reward core (binary, pass rate, weighted, RM, hybrid) and its faces: TRL, verl,
OpenRLHF and the ``aceforge serve`` reward server."""
