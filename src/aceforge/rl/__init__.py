"""RL on questions with tests: ``train-rl`` (TRL GRPOTrainer + aceforge rewards)."""
