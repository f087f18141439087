"""What the engine tests add to a fresh ``startproject`` project: pages that
sleep, leave orphans behind or enqueue a task, and the task itself."""
