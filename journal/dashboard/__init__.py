"""The page each person lands on after logging in: what waits for them, per role."""
