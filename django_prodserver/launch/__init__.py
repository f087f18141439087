"""Starting checked entries: their plans, the release and one-shot runs, exec in
place, or spawn under the supervisor (children, output, signals, watchdog).

The supervisor's side of this package never imports Django.
"""
