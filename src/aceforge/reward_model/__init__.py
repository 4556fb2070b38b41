"""Bradley-Terry reward models: training (TRL RewardTrainer) and scoring."""
