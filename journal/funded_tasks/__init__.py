"""The registry of funded S&T tasks (nhiệm vụ KH&CN)."""
