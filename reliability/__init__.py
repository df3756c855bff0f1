"""Reliability suite: kill loops, parser fuzzing, a plaintext scan, a full disk (not in pytest)."""
