"""Benchmarks of django-prodserver: ``python -m bench``.

Every figure is measured side by side in one run, the contenders alternating in
each round, against the bare program started with the same argv and against the
published django-prodserver 3.0.0 installed in a virtualenv of its own. The
results are written to ``docs/benchmarks.md`` with a chart.

Modules: :mod:`bench.workspace` prepares the settings and the published
package's virtualenv, :mod:`bench.contenders` builds the commands that are
compared, :mod:`bench.measure` starts and times one process, :mod:`bench.figures`
runs the rounds, :mod:`bench.stats` and :mod:`bench.report` turn the results into
the table and the chart, and :mod:`bench.launch_profile` shows what the launch path
costs beyond ``django.setup()``.
"""
