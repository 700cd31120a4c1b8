"""Administration: provinces, board memberships, users and roles."""
