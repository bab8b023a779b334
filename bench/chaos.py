"""Durability under faults: ``python -m bench.chaos [--help]`` (see ``testkit.chaos``)."""

from testkit.chaos import main

if __name__ == "__main__":
    main()
