"""What the project says: the settings, each ``PRODUCTION_PROCESSES`` entry and
its keys, ``ARGS`` as option words, addresses, and the environment programs get.

The lowest stage: it reads and types what a user wrote, and knows no backend.
"""
