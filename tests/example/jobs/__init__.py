"""The example project's background jobs: one task for each worker backend."""
