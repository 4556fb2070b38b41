"""The data stages: seeds → questions and tests → verified tests → samples → pass rates → pairs."""
