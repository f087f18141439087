"""Backends: one class per program, each turning a process entry into argv."""
