"""The allocation engine: eligibility rules, priority, CP-SAT model, solve, validator, explanations."""

__version__ = "0.1.0"
