"""The browser test's notebook is a fixture that the test opens, not a lesson for nbval."""

collect_ignore_glob = ["fixtures/*.ipynb"]
