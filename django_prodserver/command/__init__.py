"""The command line shared by ``manage.py prodserver`` and the ``prodserver``
console script: its options, what it does with them, and what it prints.
"""
