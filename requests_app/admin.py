"""Admin registrations of this app."""
