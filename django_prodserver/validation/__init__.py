"""The rules of ``PRODUCTION_PROCESSES``: every entry checked, each problem a
message with its ``prodserver.E###``/``W###`` id, before anything is planned.
"""
