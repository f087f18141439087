"""What must hold before a program starts: ``BEFORE`` steps, ``WAIT_FOR``
targets and the waiting for them, and the checks of both keys.
"""
