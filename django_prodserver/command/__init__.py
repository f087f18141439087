"""The command line shared by ``manage.py prodserver`` and the ``prodserver``
console script: argv → a frozen, typed request → what it asks for, printed.

:mod:`.cli` adds the options to argparse; :mod:`.request` turns what argparse
parsed into a :class:`~.request.Request` once, and :mod:`.usage` holds the
rules of the command line itself. :mod:`.selection` selects, checks and
resolves the processes; :mod:`.actions` does what was asked (:mod:`.exporting`
for ``--export``, :mod:`.printing` for ``--dry-run`` and ``--list``);
:mod:`.output` is where it all writes. :mod:`.console` is the console script.
"""
