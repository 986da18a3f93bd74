# The round-7 scripts are run by hand (truth.py, run.py), not collected: --doctest-modules would
# import them, and they import one another from this folder.
collect_ignore_glob = ["*.py"]
