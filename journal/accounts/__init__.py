"""Users, roles, login, registration, password reset, ORCID."""
